import { roomByCode, type Room } from '../modules/rooms';
import { DateTime } from 'luxon';
import { type Item, ITEM_KIND_LABELS, type ItemKind, itemsDueBy, type ItemStatus } from '../modules/items';
import { districtSupervisors, escalationKey, escalationsOf, type JobDefinition, type JobEnv, type JobRunContext, markEscalated, notifyOfficer, type OfficerTarget, roomOfficers } from '../modules/notices';
import { renderFor } from '../modules/templates';
import { alertSettings, queueItemAlert } from '../modules/alerts';
import { nextSlots, slotKey, slotsBetween, type ScheduleSpec } from './schedule';

/**
 * SLA escalation, every 5 minutes: an item past its due time and still waiting for officers
 * (new or claimed; "waiting" waits for the resident) is escalated once to the room's officers,
 * then — if still open SLA_SUPERVISOR_AFTER_MINUTES later — once to the district's
 * supervisors. Each escalation is an event keyed by item, due time and level.
 */
export const SLA_JOB = 'sla-escalation';
const SPEC: ScheduleSpec = { kind: 'every', minutes: 5 };
const OPEN_FOR_OFFICERS: ItemStatus[] = ['new', 'claimed'];

interface Pending {
  item: Item;
  level: 1 | 2;
}

/**
 * Escalations due at `at`: overdue items never escalated (level 1), and those escalated to
 * officers at least `supervisorAfterMs` ago but not yet to supervisors (level 2).
 */
async function pendingEscalations(at: Date, supervisorAfterMs: number): Promise<Pending[]> {
  const items = await itemsDueBy(OPEN_FOR_OFFICERS, at, 500);
  if (items.length === 0) return [];
  const done = await escalationsOf(items.map((i) => i._id));
  const out: Pending[] = [];
  for (const item of items) {
    const first = done.get(escalationKey(item._id, item.dueAt, 1));
    if (!first) out.push({ item, level: 1 });
    else if (at.getTime() - first.getTime() >= supervisorAfterMs && !done.has(escalationKey(item._id, item.dueAt, 2))) out.push({ item, level: 2 });
  }
  return out;
}

export function slaEscalationJob(): JobDefinition {
  const supervisorAfter = (env: JobEnv) => env.config.SLA_SUPERVISOR_AFTER_MINUTES * 60_000;
  return {
    name: SLA_JOB,
    label: '超时提醒与上报',
    async slotsBetween(from, to, env) {
      // Only the latest slot matters (each run looks at every overdue item), and only when something is due.
      const latest = slotsBetween(SPEC, from, to, env.zone).slice(-1);
      if (latest.length === 0 || (await pendingEscalations(latest[0], supervisorAfter(env))).length === 0) return [];
      return latest.map((at) => ({ runKey: slotKey(at, env.zone), at, label: '超时事项提醒' }));
    },
    async upcoming(after, env, limit) {
      return nextSlots(SPEC, after, Math.min(limit, 1), env.zone).map((at) => ({ runKey: slotKey(at, env.zone), at, label: '检查超时事项' }));
    },
    async run(ctx) {
      const rooms = new Map<string, Room | null>();
      for (const { item, level } of await pendingEscalations(ctx.slotAt, supervisorAfter(ctx.env))) {
        if (!rooms.has(item.room)) rooms.set(item.room, await roomByCode(item.room));
        const room = rooms.get(item.room) ?? null;
        if (level === 1) await escalate(ctx, item, room, 1, await roomOfficers(item.room));
        else if (room) await escalate(ctx, item, room, 2, await districtSupervisors(room.district));
      }
    },
  };
}

async function escalate(ctx: JobRunContext, item: Item, room: Room | null, level: 1 | 2, officers: OfficerTarget[]): Promise<void> {
  const event = escalationKey(item._id, item.dueAt, level);
  const text = await renderFor(level === 1 ? 'sla.officer' : 'sla.supervisor', item.room, {
    'room.name': room?.name ?? item.room,
    code: item.code,
    kind: ITEM_KIND_LABELS[item.kind as ItemKind] ?? item.kind,
    // What the resident wrote never goes to an officer's WeChat: a template that still names
    // {{summary}} gets the kind again.
    summary: ITEM_KIND_LABELS[item.kind as ItemKind] ?? item.kind,
    due: DateTime.fromJSDate(item.dueAt, { zone: ctx.env.zone }).toFormat('M月d日 HH:mm'),
  });
  for (const officer of officers) {
    await notifyOfficer(ctx, {
      officer,
      key: `sla:${event}:${officer.id}`,
      eventKey: `sla:${event}`,
      kind: level === 1 ? 'sla_officer' : 'sla_supervisor',
      room: item.room,
      item: item._id,
      text,
      urgent: item.kind === 'emergency',
    });
  }
  // The WeCom alert (app message to the officers' or supervisors' WeCom userids, the room's robot): code, kind, room, link.
  await queueItemAlert({ item, event: level === 1 ? 'sla' : 'sla_supervisor', eventKey: `sla:${event}`, settings: alertSettings(ctx.env.config), now: ctx.env.now() });
  // Written last: until it exists, the next run (or the resumer) completes this escalation.
  await markEscalated({ item: item._id, dueAt: item.dueAt, level, room: item.room, at: ctx.slotAt });
}
