import { roomByCode } from '../modules/rooms';
import { DateTime } from 'luxon';
import { enabledOccurrences, occurrenceFor, savedSettings, type TalkDayOccurrence, type TalkDayPhase, talkDayText } from '../modules/talk-day';
import { boundGroupsOfRooms, groupAddress, type JobDefinition, type JobEnv, type JobSlot } from '../modules/notices';

/**
 * 每月18日 警民恳谈日 / 警务室开放日: for every room that holds one, an announcement to each of the
 * room's bound groups N days before and on the morning of the day. One run per room, month and
 * phase: `talkday:<room>:<yyyy-MM>:<before|day>`.
 */
export const TALK_DAY_JOB = 'talk-day';

function monthsBetween(from: Date, to: Date, zone: string): string[] {
  const out: string[] = [];
  let m = DateTime.fromJSDate(from, { zone }).startOf('month');
  const last = DateTime.fromJSDate(to, { zone }).startOf('month');
  for (; m <= last; m = m.plus({ months: 1 })) out.push(m.toFormat('yyyy-MM'));
  return out;
}

function slotsOf(o: TalkDayOccurrence): JobSlot[] {
  if (o.cancelled) return [];
  const phases: Array<[TalkDayPhase, Date | null]> = [
    ['before', o.announce.before],
    ['day', o.announce.day],
  ];
  return phases
    .filter((p): p is [TalkDayPhase, Date] => p[1] !== null)
    .map(([phase, at]) => ({
      runKey: `talkday:${o.room}:${o.month}:${phase}`,
      at,
      rooms: [o.room],
      payload: { room: o.room, month: o.month, phase },
      label: `${o.room} ${o.date} 恳谈日${phase === 'before' ? '预告' : '当天提醒'}${o.moved ? '（已顺延）' : ''}`,
    }));
}

export function talkDayJob(): JobDefinition {
  return {
    name: TALK_DAY_JOB,
    label: '警民恳谈日通知',
    async slotsBetween(from, to, env: JobEnv) {
      const occurrences = await enabledOccurrences(monthsBetween(from, to, env.zone), env.zone);
      return occurrences.flatMap(slotsOf).filter((s) => s.at > from && s.at <= to);
    },
    async upcoming(after, env, limit) {
      const months = monthsBetween(after, DateTime.fromJSDate(after).plus({ months: 2 }).toJSDate(), env.zone);
      const occurrences = await enabledOccurrences(months, env.zone);
      return occurrences
        .flatMap(slotsOf)
        .filter((s) => s.at > after)
        .sort((a, b) => a.at.getTime() - b.at.getTime())
        .slice(0, limit);
    },
    async run(ctx) {
      const { room: code, month, phase } = ctx.payload as { room: string; month: string; phase: TalkDayPhase };
      const [room, settings] = await Promise.all([roomByCode(code, { activeOnly: true }), savedSettings(code)]);
      if (!room || !settings) return;
      // Recomputed now: the run uses the room's latest details, and a cancelled month sends nothing.
      const o = await occurrenceFor(settings, month, ctx.env.zone);
      if (o.cancelled) return;
      const text = await talkDayText(room, o, phase, settings.daysBefore, ctx.env.zone);
      for (const group of await boundGroupsOfRooms([code])) {
        await ctx.deliver({
          recipient: group.conversationId,
          room: code,
          audience: 'group',
          label: group.topic,
          to: groupAddress(group),
          text,
          purpose: 'notice',
        });
      }
    },
  };
}
