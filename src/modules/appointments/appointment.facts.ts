import { AppointmentEventModel, AppointmentModel } from './appointment.model';

/**
 * What the monthly reports read of the appointments: streamed (cursors), because the rollups scan
 * many records at once. Without `range`, everything is read (the rebuild: one pass over each
 * collection); with it, only records with one of their times in [from, to).
 */

interface TimeRange {
  $gte: Date;
  $lt: Date;
}

/** An appointment's lifecycle times, for counting bookings, completions, no-shows and cancellations. */
export interface AppointmentFacts {
  _id: unknown;
  room: string;
  createdAt?: Date | null;
  completedAt?: Date | null;
  noShowAt?: Date | null;
  cancelledAt?: Date | null;
}

/** Appointments of these rooms (all rooms without `rooms`) created, completed, missed or cancelled in the range. */
export function appointmentFacts(where: { rooms?: readonly string[]; range?: TimeRange }): AsyncIterable<AppointmentFacts> {
  const filter: Record<string, unknown> = where.rooms ? { room: { $in: [...where.rooms] } } : {};
  if (where.range) filter.$or = ['createdAt', 'completedAt', 'noShowAt', 'cancelledAt'].map((f) => ({ [f]: where.range }));
  return AppointmentModel.find(filter, { room: 1, createdAt: 1, completedAt: 1, noShowAt: 1, cancelledAt: 1 }).lean<AppointmentFacts[]>().cursor({ batchSize: 2000 });
}

/** Who ended each appointment (completed it or marked the no-show), from its 'end' transition made in the range. */
export function appointmentEndings(where: { range?: TimeRange }): AsyncIterable<{ appointment: unknown; officer?: unknown }> {
  const filter: Record<string, unknown> = { key: 'end', type: { $in: ['completed', 'no_show'] } };
  if (where.range) filter.createdAt = where.range;
  return AppointmentEventModel.find(filter, { appointment: 1, officer: 1 }).lean<Array<{ appointment: unknown; officer?: unknown }>>().cursor({ batchSize: 2000 });
}

/** Ascending indexes on the times the report scans read (MongoDB only: the caller decides), named `<prefix><field>`. */
export async function createAppointmentTimeIndexes(prefix: string): Promise<void> {
  for (const field of ['createdAt', 'completedAt', 'noShowAt', 'cancelledAt']) await AppointmentModel.collection.createIndex({ [field]: 1 }, { name: `${prefix}${field}` });
  await AppointmentEventModel.collection.createIndex({ createdAt: 1 }, { name: `${prefix}createdAt` });
}
