import type { ChannelName } from '../../lib/channel-names';
import type { Logger } from '../../logging/logger';

/**
 * A tiny in-process hook: other modules (satisfaction surveys) learn that an appointment was
 * completed. Handlers run after the completion is stored; a failing handler is logged and does
 * not undo the completion or stop the other handlers. Handlers should be idempotent: a retry
 * or a second instance may, in rare cases, report the same completion again.
 */
export interface AppointmentCompletedEvent {
  id: string;
  code: string;
  room: string;
  service: string;
  serviceName: string;
  start: Date;
  completedAt: Date;
  walkIn: boolean;
  /** Where the resident booked from (null for web bookings and walk-ins). */
  origin: { channel: ChannelName; conversationId: string; isGroup: false; account?: string } | null;
}

export type AppointmentCompletedHandler = (event: AppointmentCompletedEvent) => void | Promise<void>;

const handlers = new Set<AppointmentCompletedHandler>();

/** Registers a handler; returns a function that removes it. */
export function onAppointmentCompleted(handler: AppointmentCompletedHandler): () => void {
  handlers.add(handler);
  return () => handlers.delete(handler);
}

export async function emitAppointmentCompleted(event: AppointmentCompletedEvent, logger?: Logger): Promise<void> {
  for (const handler of [...handlers]) {
    try {
      await handler(event);
    } catch (err) {
      logger?.error({ err, code: event.code }, 'appointment completed handler failed');
    }
  }
}
