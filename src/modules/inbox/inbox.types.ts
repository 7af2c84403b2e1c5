import type { Types } from 'mongoose';
import type { OfficerRole } from '../officers';
import type { Logger } from '../../logging/logger';

/** The officer acting (from the session). */
export interface Actor {
  id: string;
  name: string;
  username: string;
  role: OfficerRole;
}

/** Settings every inbox command needs; routes fill them from config, tests inject a clock. */
export interface InboxSettings {
  leaseMinutes: number;
  now: () => Date;
  logger?: Logger;
  /**
   * SMS to web residents who gave a mobile number, when an officer replies (absent: SMS off).
   * The route hands in the SMS module's queueSms with this process's settings.
   */
  replyNotice?: ReplyNoticeSender | null;
}

export interface ReplyNoticeSender {
  /** The public base URL (PUBLIC_URL): the text links to its status page. */
  publicUrl: string;
  /** Queues the 'reply' text; one text per `key`, however often and by whichever instance. */
  send(props: { key: string; phone: string; params: { item: string; link: string }; item: Types.ObjectId; now: Date }): Promise<unknown>;
}

export const DEFAULT_LEASE_MINUTES = 30;
