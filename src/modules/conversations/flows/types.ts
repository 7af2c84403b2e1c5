import type { Types } from 'mongoose';
import type { InboundMessage, OutboundReply } from '../messages';
import type { Config } from '../../../config';
import type { Logger } from '../../../logging/logger';
import type { Analysis } from '../../../understanding/types';
import { type Room } from '../../rooms';

/**
 * Multi-turn flows (booking, tip collection, …) plug into the conversation core through
 * this interface. A flow is a small state machine: the core persists its `FlowState` per
 * conversation + sender between messages (and expires it after inactivity), so a flow
 * itself keeps nothing in memory.
 *
 * Life cycle:
 * - `start` runs when the core routes a message to the flow and no state of it is open
 *   (e.g. the appointment intent starts the flow named 'booking').
 * - `resume` runs for every later message of that conversation + sender while the state is
 *   open. The emergency check always runs first and is never skipped, so flows do not see
 *   emergencies; the universal exit words ("退出", "不办了" …) are handled by the core too.
 * - Returning `state: null` ends the flow; returning a state keeps it open for the next message.
 *
 * State data must be plain JSON (strings, numbers, booleans, arrays, objects; no keys with '.'
 * or starting with '$' — FerretDB refuses them). Dates as ISO strings.
 */
export interface FlowState {
  /** The flow's name (Flow.name). */
  flow: string;
  /** The flow's own step name, e.g. 'pick_service', 'pick_slot', 'confirm'. */
  step: string;
  data: Record<string, unknown>;
}

/**
 * What the chat booking flow needs of the SMS verification codes ("booking" to book, "manage" to cancel or reschedule). src/modules/verification
 * implements it; each channel's entry point hands it in (the core does not import that module).
 */
export interface ChatVerification {
  /** SMS is on. */
  readonly enabled: boolean;
  /** Texts a code to the number; throws a 429 DomainError when a limit (per number, per address) is reached. */
  request(props: { phone: string; purpose: 'booking' | 'manage'; clientKey: string; now?: Date }): Promise<unknown>;
  /** Checks a code and uses it up when right; `release` gives it back when the booking then failed. */
  use(props: { phone: string; purpose: 'booking' | 'manage'; code: string; now?: Date }): Promise<
    { ok: true; release?: () => Promise<void> } | { ok: false; reason: 'missing' | 'expired' | 'wrong' | 'locked' | 'used'; triesLeft?: number }
  >;
}

export interface FlowContext {
  message: InboundMessage;
  /** The understanding of this message (intent, service, code, appointmentAction …). */
  analysis: Analysis;
  /** The police room of the conversation (null when the conversation is not bound to a room). */
  room: Room | null;
  /** The open state of this flow (null in `start`). */
  state: FlowState | null;
  now: Date;
  config: Config;
  /** SMS verification codes; null or disabled when SMS is off. */
  verification?: ChatVerification | null;
  logger?: Logger;
  /** The item this conversation + sender last created and that may still be open (code only). */
  openItemCode?: string | null;
}

export interface FlowResult {
  replies: OutboundReply[];
  /** null ends the flow. */
  state: FlowState | null;
  /**
   * An item the flow created for this conversation + sender: the resident's further messages
   * join its thread. Leave it out for anonymous tips (no identity may be linked to them).
   */
  linkItem?: { id: Types.ObjectId; code: string };
  /**
   * The message is not this flow's (thanks, a new question): the flow ends without a reply and
   * the core answers the message as a new one.
   */
  pass?: boolean;
}

export interface Flow {
  /** Unique name; the core starts 'booking' for the appointment intent, 'tip' / 'dispute' / 'complaint' for those. */
  name: string;
  /**
   * True when the flow collects personal data (names, phone numbers, tip details). In a group
   * chat the core never starts such a flow: it asks the resident to continue in a private chat
   * with the bot or in the web chat, and says why.
   */
  personalData?: boolean;
  start(ctx: FlowContext): Promise<FlowResult>;
  resume(ctx: FlowContext): Promise<FlowResult>;
}
