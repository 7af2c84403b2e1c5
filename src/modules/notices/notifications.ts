import { Types } from 'mongoose';
import { OfficerNotificationModel } from './notification.model';

/** The officers' in-app notices (written by notifyOfficer): read and marked as read on the officer's page. */

export interface OfficerNotification {
  _id: Types.ObjectId;
  officer: Types.ObjectId;
  kind: 'sla_officer' | 'sla_supervisor' | 'digest';
  room: string | null;
  text: string;
  at: Date;
  readAt?: Date | null;
}

/** The officer's latest notices, newest first. */
export async function latestNotifications(officerId: string, limit: number): Promise<OfficerNotification[]> {
  return OfficerNotificationModel.find({ officer: officerId }).sort({ at: -1 }).limit(limit).lean<OfficerNotification[]>();
}

/** One notice by its id, whoever it is for (null for an id that is not an ObjectId or names nothing). */
export async function findNotification(id: string): Promise<OfficerNotification | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  return OfficerNotificationModel.findOne({ _id: id }).lean<OfficerNotification>();
}

/** Marks a notice as read (once: a notice already read keeps its first time). */
export async function markNotificationRead(n: Pick<OfficerNotification, '_id' | 'readAt'>, now: Date): Promise<void> {
  if (!n.readAt) await OfficerNotificationModel.updateOne({ _id: n._id }, { $set: { readAt: now } });
}
