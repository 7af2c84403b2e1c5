import type { Wechaty as WechatyInterface } from 'wechaty';
import type { Config } from '../../src/config';
import type { Logger } from '../../src/logging/logger';
import type { ConversationCore } from '../../src/modules/conversations';
import type { RateLimiter } from '../../src/modules/rate-limits';
import type { OutboxSender } from '../../src/modules/outbox';

/** What the listeners share: one object built by createPoliceRoomBot. */
export interface BotContext {
  bot: WechatyInterface;
  config: Config;
  logger: Logger;
  now: () => Date;
  /** Name under which the bot records its status and claims sends (config.BOT_NAME). */
  botKey: string;
  core: ConversationCore;
  limits: {
    sender: RateLimiter;
    group: RateLimiter;
    /** Binding commands of non-officers, per group. */
    bind: RateLimiter;
    /** Unaddressed emergencies in a bound group, per group and sender (one answer per window). */
    groupEmergency: RateLimiter;
  };
  sender: OutboxSender;
  /** Group id → bound room code (short cache in front of GroupBinding). */
  groupRoom(groupId: string): Promise<string | null>;
  forgetGroup(groupId: string): void;
  onLoggedIn(): void;
  onLoggedOut(reason: string): void;
}
