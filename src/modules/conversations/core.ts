import { createGroundedAnswerer, type GroundedAnswerer } from '../../ai/grounded-answer';
import type { Config } from '../../config';
import type { Logger } from '../../logging/logger';
import { surveySettings } from '../surveys';
import { askForRoom, handleInbound, type ConversationDeps, type HandleResult } from './conversation.service';
import { createKnowledge, type Knowledge } from './knowledge';
import type { InboundMessage, OutboundReply } from './messages';
import { detectEmergencyWithNet } from '../../understanding';
import { emergencyReply } from './replies';
import type { ChatVerification } from './flows/types';

/** What tests (and benchmarks) may swap; everything else comes from the config. */
export interface ConversationCoreOverrides {
  knowledge?: Knowledge;
  /** null: no language model (local answers only); undefined: chosen from the config. */
  ai?: GroundedAnswerer | null;
  /** SMS verification codes (src/modules/verification, handed in by the channel's entry): with SMS on, the chat booking flow asks web residents for a code. */
  verification?: ChatVerification | null;
  now?: () => Date;
}

/** The conversation core as a channel uses it: one inbound message in, replies and effects out. */
export interface ConversationCore {
  handle(message: InboundMessage): Promise<HandleResult>;
  /**
   * Asks a private conversation that has no room yet to pick one, for something the core cannot
   * read itself (a voice message nobody transcribed): the room picker, remembered as the open step,
   * so the resident's pick (tapped or typed) is understood. `why` opens the reply.
   */
  askForRoom(message: InboundMessage, why: string): Promise<OutboundReply>;
  /** Rooms, services and the FAQ index, cached briefly (a channel reads the room of each message here). */
  knowledge: Knowledge;
  /** Builds the understanding index (FAQ from the database) now, not on the first resident's message. */
  warmUp(): Promise<void>;
  now(): Date;
  /**
   * The emergency answer (the numbers to call) for a message that is one, without touching the
   * database: what a channel still says when it cannot reach the database. null: not an emergency.
   */
  emergencyAnswer(text: string): OutboundReply | null;
}

/**
 * The one place the core is assembled, for every channel (web chat, the WeChat bot, WeCom…):
 * the knowledge cache and the choice of AI answerer (src/ai, off unless configured).
 */
export function createConversationCore(config: Config, logger: Logger, overrides: ConversationCoreOverrides = {}): ConversationCore {
  const deps: ConversationDeps = {
    config,
    logger,
    knowledge: overrides.knowledge ?? createKnowledge(),
    ai: overrides.ai !== undefined ? overrides.ai : createGroundedAnswerer(config, logger),
    surveys: surveySettings(config, logger),
    verification: overrides.verification ?? null,
    now: overrides.now,
  };
  return {
    handle: (message) => handleInbound(message, deps),
    askForRoom: (message, why) => askForRoom(message, why, deps),
    knowledge: deps.knowledge,
    warmUp: async () => {
      await deps.knowledge.understanding();
    },
    now: () => deps.now?.() ?? new Date(),
    emergencyAnswer: (text) => {
      const emergency = detectEmergencyWithNet(text.trim());
      return emergency ? emergencyReply(emergency, null) : null;
    },
  };
}
