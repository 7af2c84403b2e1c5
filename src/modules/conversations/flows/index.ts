import { bookingFlow } from './booking.flow';
import type { Flow } from './types';

export type { Flow, FlowContext, FlowResult, FlowState } from './types';

/**
 * The registry of multi-turn flows the conversation core can start and resume.
 *
 * Other modules add their flow here: one import and one entry in FLOWS, e.g.
 *   import { bookingFlow } from './booking.flow';
 *   const FLOWS: Flow[] = [bookingFlow, …];
 * The core looks flows up by name ('booking' for the appointment intent); until a flow named
 * 'booking' is registered, the appointment intent answers with a hand-off message.
 * The core's own flows (tip, dispute, complaint, status) are registered by the core itself.
 */
const FLOWS: Flow[] = [bookingFlow];

const extra = new Map<string, Flow>();

/** Registers a flow at run time (the core's own flows; tests). A later registration under the same name wins. */
export function registerFlow(flow: Flow): void {
  extra.set(flow.name, flow);
}

export function unregisterFlow(name: string): void {
  extra.delete(name);
}

export function getFlow(name: string): Flow | null {
  return extra.get(name) ?? FLOWS.find((f) => f.name === name) ?? null;
}

export function listFlows(): Flow[] {
  const names = new Set<string>([...FLOWS.map((f) => f.name), ...extra.keys()]);
  return [...names].map((n) => getFlow(n) as Flow);
}
