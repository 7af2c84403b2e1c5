import { Types } from 'mongoose';
import { deliveryStates } from '../outbox';
import { badRequest } from '../../lib/errors';
import { broadcastSlot, BROADCAST_JOB, broadcastJob } from './broadcast.job';
import { cancelRunBeforeStart, claimAndRun, type JobEnv, outboxKey, runStates } from '../notices';
import { broadcastRecipients } from './broadcast.recipients';
import { type Room } from '../rooms';
import { formatDate, renderFor, roomValues } from '../templates';
import { BroadcastModel, type Broadcast, type BroadcastKind } from './broadcast.model';

export interface ComposeProps {
  room: Room;
  kind: BroadcastKind;
  title: string;
  body: string;
  date: Date;
  zone: string;
}

/** The text residents will read, from the room's template for the kind. */
export async function composeText(p: ComposeProps): Promise<string> {
  return renderFor(`broadcast.${p.kind}`, p.room.code, {
    ...roomValues(p.room),
    date: formatDate(p.date, p.zone),
    title: p.title,
    body: p.body,
  });
}

export interface CreateBroadcastProps {
  room: Room;
  kind: BroadcastKind;
  title: string;
  body: string;
  groups: string[];
  sendAt: Date | null;
  urgent: boolean;
  /** Rooms whose groups the officer may message ('all' for admins). */
  allowedRooms: string[] | 'all';
  officer: { username: string; name: string };
  env: JobEnv;
  instanceId: string;
}

const MAX_AHEAD_MS = 90 * 24 * 3600_000;

/**
 * Stores a broadcast and, for "send now", runs it at once through the same job run the
 * scheduler would (claimed by unique insert, so a tick at the same moment cannot send it again).
 */
export async function createBroadcast(p: CreateBroadcastProps): Promise<Broadcast> {
  const now = p.env.now();
  if (p.sendAt && p.sendAt.getTime() < now.getTime() - 60_000) throw badRequest('定时发送时间已过（Send time is in the past）', undefined, 'send_at_past');
  if (p.sendAt && p.sendAt.getTime() > now.getTime() + MAX_AHEAD_MS) throw badRequest('定时发送最多提前90天（At most 90 days ahead）', undefined, 'send_at_too_far');
  const { recipients: groups, refusedGroups: refused } = await broadcastRecipients({ rooms: [], groups: p.groups, allowedRooms: p.allowedRooms });
  if (refused.length) throw badRequest('有的群不存在、未绑定，或不属于您负责的警务室（Unknown or foreign group）', { groups: refused }, 'invalid_group');
  const sendAt = p.sendAt ?? now;
  const doc = await BroadcastModel.create({
    room: p.room.code,
    kind: p.kind,
    title: p.title,
    body: p.body,
    text: await composeText({ room: p.room, kind: p.kind, title: p.title, body: p.body, date: sendAt, zone: p.env.zone }),
    targets: groups.map((g) => ({ conversationId: g.conversationId, room: g.room, topic: g.topic, account: g.account })),
    urgent: p.urgent,
    sendAt,
    createdBy: p.officer.username,
    createdByName: p.officer.name,
  });
  const b = doc.toObject() as Broadcast;
  if (!p.sendAt) await claimAndRun(broadcastJob(), broadcastSlot(b), p.env, p.instanceId);
  return b;
}

export async function findBroadcast(id: string): Promise<Broadcast | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  return BroadcastModel.findById(id).lean<Broadcast>();
}

export async function listBroadcasts(filter: Record<string, unknown>): Promise<Broadcast[]> {
  return BroadcastModel.find(filter).sort({ sendAt: -1 }).limit(100).lean<Broadcast[]>();
}

/**
 * Cancels a broadcast that has not started; false when its run already began. Cancelling takes
 * the broadcast's run slot itself (a unique JobRun insert), so a cancel and a send racing each
 * other cannot both win.
 */
export async function cancelBroadcast(b: Broadcast, by: string, now: Date): Promise<boolean> {
  const won = await cancelRunBeforeStart({
    job: BROADCAST_JOB,
    runKey: broadcastSlot(b).runKey,
    slotAt: b.sendAt,
    rooms: [b.room],
    payload: { broadcast: String(b._id) },
    by,
    reason: '已取消',
    now,
  });
  if (!won) return false;
  await BroadcastModel.updateOne({ _id: b._id }, { $set: { cancelledAt: now } });
  return true;
}

export type BroadcastState = 'scheduled' | 'due' | 'sending' | 'sent' | 'failed' | 'missed' | 'cancelled';

export interface DeliveryView {
  groupId: string;
  room: string;
  topic: string | null;
  /** pending: not enqueued yet; queued: waiting for the bot (or quiet hours); sent; failed. */
  status: 'pending' | 'queued' | 'sending' | 'sent' | 'failed';
  notBefore: Date | null;
  sentAt: Date | null;
  error: string | null;
}

/** A broadcast's state and per-group delivery, read from its job run and the outbox (by key). */
export async function broadcastDelivery(list: Broadcast[], env: Pick<JobEnv, 'catchUpMs'>, now: Date): Promise<Map<string, { state: BroadcastState; deliveries: DeliveryView[] }>> {
  const runKeys = list.map((b) => broadcastSlot(b).runKey);
  const runs = await runStates(BROADCAST_JOB, runKeys);
  const keys = list.flatMap((b) => b.targets.map((t) => outboxKey(BROADCAST_JOB, broadcastSlot(b).runKey, t.conversationId)));
  const messages = await deliveryStates(keys);
  const byKey = new Map(messages.map((m) => [m.key, m]));
  const out = new Map<string, { state: BroadcastState; deliveries: DeliveryView[] }>();
  for (const b of list) {
    const runKey = broadcastSlot(b).runKey;
    const run = runs.find((r) => r.runKey === runKey);
    let state: BroadcastState;
    if (b.cancelledAt) state = 'cancelled';
    else if (run) state = run.status === 'done' ? 'sent' : run.status === 'running' ? 'sending' : 'failed';
    else if (b.sendAt > now) state = 'scheduled';
    else state = now.getTime() - b.sendAt.getTime() > env.catchUpMs ? 'missed' : 'due';
    const deliveries: DeliveryView[] = b.targets.map((t) => {
      const m = byKey.get(outboxKey(BROADCAST_JOB, runKey, t.conversationId));
      return {
        groupId: t.conversationId,
        room: t.room,
        topic: t.topic ?? null,
        status: m ? (m.status as DeliveryView['status']) : 'pending',
        notBefore: m?.nextAttemptAt ?? null,
        sentAt: m?.sentAt ?? null,
        error: m?.lastError ?? null,
      };
    });
    out.set(String(b._id), { state, deliveries });
  }
  return out;
}
