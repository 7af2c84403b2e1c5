import mongoose from 'mongoose';
import { createAppointmentTimeIndexes } from '../appointments';
import { createItemTimeIndexes } from '../items';

/**
 * Indexes the raw-record scans of the rollups use on MongoDB (ranges on the event times).
 * FerretDB 1.24 (SQLite) does not use secondary indexes for queries at all — they would only
 * slow its inserts down — so nothing is created there.
 */
export async function ensureReportIndexes(): Promise<'created' | 'skipped'> {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected');
  const info = (await db.admin().command({ buildInfo: 1 })) as { ferretdbVersion?: unknown; ferretdbFeatures?: unknown };
  if (info.ferretdbVersion || info.ferretdbFeatures) return 'skipped';
  await createItemTimeIndexes(['firstResponseAt', 'resolvedAt', 'closedAt', 'dueAt'], 'reports_');
  await createAppointmentTimeIndexes('reports_');
  return 'created';
}
