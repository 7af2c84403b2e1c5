import type { TalkDayOccurrence, TalkDaySettingsInput } from './talk-day.plan';
import { timeRange } from './talk-day.plan';
import { TALK_DAY_RULE_LABELS, WEEKDAY_LABELS, reasonText } from './talk-day.rules';
import { DateTime } from 'luxon';

export function presentSettings(s: TalkDaySettingsInput) {
  return {
    enabled: s.enabled,
    place: s.place,
    startTime: s.startTime,
    endTime: s.endTime ?? null,
    topic: s.topic,
    rule: s.rule,
    ruleLabel: TALK_DAY_RULE_LABELS[s.rule],
    daysBefore: s.daysBefore,
    months: s.months.map((m) => ({
      month: m.month,
      place: m.place ?? null,
      startTime: m.startTime ?? null,
      endTime: m.endTime ?? null,
      topic: m.topic ?? null,
      cancelled: Boolean(m.cancelled),
    })),
    updatedAt: s.updatedAt ?? null,
  };
}

export function presentOccurrence(o: TalkDayOccurrence, zone: string) {
  return {
    month: o.month,
    nominal: o.nominal,
    date: o.date,
    weekday: WEEKDAY_LABELS[DateTime.fromISO(o.date, { zone }).weekday],
    moved: o.moved,
    reason: o.reason,
    reasonText: o.reason ? `18日${reasonText(o.reason, o.reasonName)}` : null,
    movedNote: o.movedNote || null,
    place: o.place,
    time: timeRange(o),
    topic: o.topic,
    cancelled: o.cancelled,
    announce: { before: o.announce.before, day: o.announce.day },
  };
}
