import { bookingFlow } from './booking.flow';
import { complaintFlow, disputeFlow } from './report.flow';
import { statusFlow } from './status.flow';
import { tipFlow } from './tip.flow';
import type { Flow } from './types';

export type { Flow } from './types';

/**
 * Every multi-turn flow the conversation core can start and resume, by name. The core starts
 * 'booking' for the appointment intent, 'tip' / 'dispute' / 'complaint' / 'status' for theirs.
 * A new flow is one import and one entry here.
 */
const FLOWS: readonly Flow[] = [bookingFlow, tipFlow, disputeFlow, complaintFlow, statusFlow];

export function getFlow(name: string): Flow | null {
  return FLOWS.find((f) => f.name === name) ?? null;
}
