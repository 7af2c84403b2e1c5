import type { Types } from 'mongoose';
import { CannedReplyModel, type CannedReply } from './canned-reply.model';

/** Canned replies (常用回复) of the given rooms ('all': every room), by room and title. */
export async function listCannedReplies(rooms: string[] | 'all'): Promise<CannedReply[]> {
  return CannedReplyModel.find(rooms === 'all' ? {} : { room: { $in: rooms } })
    .sort({ room: 1, title: 1 })
    .limit(500)
    .lean<CannedReply[]>();
}

export async function createCannedReply(props: { room: string; title: string; text: string; createdBy: string }): Promise<CannedReply> {
  const created = await CannedReplyModel.create(props);
  return created.toObject() as CannedReply;
}

export async function cannedReplyById(id: string): Promise<CannedReply | null> {
  return CannedReplyModel.findById(id).lean<CannedReply>();
}

export async function deleteCannedReply(id: Types.ObjectId): Promise<void> {
  await CannedReplyModel.deleteOne({ _id: id });
}
