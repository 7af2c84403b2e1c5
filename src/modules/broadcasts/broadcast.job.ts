import { BroadcastModel, type Broadcast } from './broadcast.model';
import type { JobDefinition, JobSlot } from '../notices';
import { deliverRoomNotice } from '../volunteers';
import { BROADCAST_KIND_LABELS, type BroadcastKind } from './broadcast.model';

/** Officers' broadcasts, at their `sendAt` (or at once for "send now"). One run per broadcast: `broadcast:<id>`. */
export const BROADCAST_JOB = 'broadcast';

export function broadcastSlot(b: Pick<Broadcast, '_id' | 'sendAt' | 'targets' | 'title'>): JobSlot {
  return {
    runKey: `broadcast:${String(b._id)}`,
    at: b.sendAt,
    rooms: [...new Set(b.targets.map((t) => t.room))],
    payload: { broadcast: String(b._id) },
    label: `群发：${b.title}`,
  };
}

export function broadcastJob(): JobDefinition {
  return {
    name: BROADCAST_JOB,
    label: '群发通知（警情通报/防范提示）',
    async slotsBetween(from, to) {
      const due = await BroadcastModel.find({ cancelledAt: null, sendAt: { $gt: from, $lte: to } }).lean<Broadcast[]>();
      return due.map(broadcastSlot);
    },
    async upcoming(after, _env, limit) {
      const due = await BroadcastModel.find({ cancelledAt: null, sendAt: { $gt: after } }).sort({ sendAt: 1 }).limit(limit).lean<Broadcast[]>();
      return due.map(broadcastSlot);
    },
    async run(ctx) {
      const b = await BroadcastModel.findById(String(ctx.payload.broadcast)).lean<Broadcast>();
      if (!b || b.cancelledAt) return;
      for (const t of b.targets) {
        await ctx.deliver({
          recipient: t.conversationId,
          room: t.room,
          audience: 'group',
          label: t.topic ?? null,
          to: { channel: 'wechat', conversationId: t.conversationId, isGroup: true, account: t.account ?? undefined },
          text: b.text,
          purpose: 'broadcast',
          urgent: b.urgent,
        });
      }
      // The rooms' 安全员 and 专管员 get it too (their page, and SMS when they have a number), once each.
      await deliverRoomNotice(ctx, {
        key: `broadcast:${String(b._id)}`,
        rooms: [b.room, ...b.targets.map((t) => t.room)],
        kind: b.kind,
        kindLabel: BROADCAST_KIND_LABELS[b.kind as BroadcastKind],
        title: b.title,
        text: b.text,
        urgent: b.urgent,
      });
    },
  };
}
