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
}

export const DEFAULT_LEASE_MINUTES = 30;

export const OPEN_STATUSES = ['new', 'claimed', 'waiting'] as const;
