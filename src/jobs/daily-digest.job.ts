import { DateTime } from 'luxon';
import { countBookedBetween } from '../modules/appointments';
import { ITEM_KIND_LABELS, type ItemKind, itemsWaitingFor } from '../modules/items';
import { renderFor } from '../modules/templates';
import { activeOfficers, type JobDefinition, type JobEnv, type JobRunContext, notifyOfficer, type OfficerTarget } from '../modules/notices';
import { nextSlots, slotKey, slotsBetween, type ScheduleSpec } from './schedule';

/**
 * Every morning, each officer gets a digest of what waits for them: new items of their rooms,
 * items they hold, how many are overdue, and today's appointments. Nothing is sent to an
 * officer with nothing waiting. One per officer per day: `job:daily-digest:<slot>:officer:<id>`.
 */
export const DIGEST_JOB = 'daily-digest';
const MAX_LISTED = 8;

const spec = (env: JobEnv): ScheduleSpec => ({ kind: 'daily', times: [env.config.DAILY_DIGEST_TIME] });

export function dailyDigestJob(): JobDefinition {
  return {
    name: DIGEST_JOB,
    label: '每日待办汇总',
    async slotsBetween(from, to, env) {
      return slotsBetween(spec(env), from, to, env.zone).map((at) => ({ runKey: slotKey(at, env.zone), at, label: '民警每日待办汇总' }));
    },
    async upcoming(after, env, limit) {
      return nextSlots(spec(env), after, Math.min(limit, 2), env.zone).map((at) => ({ runKey: slotKey(at, env.zone), at, label: '民警每日待办汇总' }));
    },
    // A digest that arrives at noon still helps; one that arrives in the evening does not.
    maxLatenessMs: () => 4 * 3600_000,
    async run(ctx) {
      for (const officer of await activeOfficers()) {
        if (officer.rooms.length === 0) continue;
        await digestFor(ctx, officer);
        await ctx.heartbeat();
      }
    },
  };
}

async function digestFor(ctx: JobRunContext, officer: OfficerTarget): Promise<void> {
  const zone = ctx.env.zone;
  const day = DateTime.fromJSDate(ctx.slotAt, { zone }).startOf('day');
  const waiting = await itemsWaitingFor(officer, 200);
  const appointments = await countBookedBetween(officer.rooms, day.toJSDate(), day.plus({ days: 1 }).toJSDate());
  if (waiting.length === 0 && appointments === 0) return;
  const overdue = waiting.filter((i) => i.dueAt <= ctx.slotAt).length;
  // Codes and kinds only: what residents wrote (tips above all) never goes to an officer's WeChat.
  const lines = waiting.slice(0, MAX_LISTED).map((i) => `· ${i.code} ${ITEM_KIND_LABELS[i.kind as ItemKind] ?? i.kind}${i.dueAt <= ctx.slotAt ? '（已超时）' : ''}`);
  if (waiting.length > MAX_LISTED) lines.push(`……另有${waiting.length - MAX_LISTED}件，请登录工作台查看。`);
  const text = await renderFor('digest.officer', officer.rooms[0], {
    name: officer.name,
    date: day.toFormat('M月d日'),
    count: waiting.length,
    overdue,
    appointments,
    items: lines.join('\n'),
  });
  await notifyOfficer(ctx, {
    officer,
    key: `digest:${ctx.runKey}:${officer.id}`,
    kind: 'digest',
    room: officer.rooms[0] ?? null,
    text,
  });
}
