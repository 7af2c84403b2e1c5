import { DateTime } from 'luxon';
import { badRequest, conflict } from '../../lib/errors';
import { TALK_KEY } from '../../lib/service-catalog';
import { insertUnique } from '../../storage/unique-insert';
import { type Appointment, bookAppointment, findByCode, findForResident, rescheduleAppointment } from '../appointments';
import { createItem, type Item } from '../items';
import { enqueueMessage } from '../outbox';
import { talkDayDateOf } from '../talk-day';
import { VisitItemModel } from './visit-item.model';

/**
 * 约访 (talk_with_officer): a booking of the shared engine with a topic. What this module adds:
 * a leader is booked only on the room's talk day (the 18th, moved by the room's rule), and
 * what was said can become an item the resident follows by its code.
 */

type BookProps = Parameters<typeof bookAppointment>[0];

/** A 约访 with a leader falls on the room's talk day, else a clear 400. */
async function assertLeaderDay(room: string, at: string | Date, zone: string): Promise<void> {
  const start = at instanceof Date ? DateTime.fromJSDate(at, { zone }) : DateTime.fromISO(at, { zone });
  if (!start.isValid) throw badRequest('时间格式不正确，应为 ISO 8601（Invalid time）', undefined, 'validation_failed');
  const day = await talkDayDateOf(room.toUpperCase(), start.toFormat('yyyy-MM'), zone);
  if (!day || day !== start.toISODate()) {
    throw badRequest(
      `所领导只在每月警民恳谈日（${day ? `本月为${DateTime.fromISO(day).toFormat('M月d日')}` : '本月已取消'}）接待约访，其他日子请约社区民警（A leader receives residents only on the talk day）`,
      { talkDay: day },
      'leader_only_on_talk_day',
    );
  }
}

/** Books through the engine; a 约访 with a leader must fall on the room's talk day. */
export async function bookVisit(props: BookProps): Promise<Appointment> {
  if (props.service === TALK_KEY && props.talkWith === 'leader') await assertLeaderDay(props.room, props.start, props.policy.zone);
  return bookAppointment(props);
}

/** Reschedules through the engine (any booking); a 约访 with a leader moves only to a talk day. */
export async function rescheduleVisit(props: Parameters<typeof rescheduleAppointment>[0]): Promise<Appointment> {
  const appt = await findForResident(props.code, props.phone);
  if (appt.service === TALK_KEY && appt.talkWith === 'leader') await assertLeaderDay(appt.room, props.start, props.policy.zone);
  return rescheduleAppointment(props);
}

export const VISIT_ITEM_KINDS = ['question', 'dispute', 'complaint', 'followup'] as const;
export type VisitItemKind = (typeof VISIT_ITEM_KINDS)[number];

export interface TurnIntoItemProps {
  code: string;
  /** What was said, as the officer writes it down. */
  text: string;
  kind?: VisitItemKind;
  officer: { id: string; name: string };
  now: Date;
}

/**
 * "转为事项": the officer writes down what was said at a 约访 and it becomes an item of the room's
 * inbox with a code (S…) the resident looks up on the status page. Once per 约访 (a unique
 * insert keyed by the booking code); pressing again answers with the same item.
 */
export async function turnVisitIntoItem(props: TurnIntoItemProps): Promise<{ item: Pick<Item, 'code' | 'kind' | 'room'>; created: boolean; appointment: Appointment }> {
  const appt = await findByCode(props.code);
  // Made for 约访; a conversation at the counter during another booking may become an item too.
  const talk = appt.service === TALK_KEY;
  if (appt.status === 'cancelled') throw conflict('已取消的预约不能转为事项（The booking was cancelled）', 'visit_cancelled');
  const claim = await insertUnique(VisitItemModel, { _id: appt.code, room: appt.room, officer: props.officer.id });
  if (!claim.won) {
    const existing = await VisitItemModel.findById(appt.code).lean();
    if (!existing?.itemCode) throw conflict('该约访正在转为事项，请稍后刷新（Being turned into an item）', 'in_progress');
    return { item: { code: existing.itemCode, kind: 'question', room: appt.room }, created: false, appointment: appt };
  }
  let item: Item;
  try {
    item = await createItem({
      room: appt.room,
      kind: props.kind ?? 'question',
      text: `${talk ? '约访' : appt.serviceName}（${appt.code}）谈话记录，${props.officer.name}整理：${props.text}`,
      summary: `${talk ? '约访' : appt.serviceName}：${appt.topic ?? props.text}`,
      origin: appt.origin ? { channel: appt.origin.channel, conversationId: appt.origin.conversationId, isGroup: false, account: appt.origin.account ?? undefined } : null,
      contact: appt.name || appt.phone ? { name: appt.name ?? undefined, phone: appt.phone ?? undefined } : null,
      labels: [talk ? '约访' : '预约'],
      now: props.now,
    });
  } catch (err) {
    await VisitItemModel.deleteOne({ _id: appt.code, itemCode: null }).catch(() => undefined);
    throw err;
  }
  await VisitItemModel.updateOne({ _id: appt.code }, { $set: { item: item._id, itemCode: item.code } });
  // The resident who booked from a chat hears the code there (once: keyed by the booking code).
  if (appt.origin) {
    await enqueueMessage({
      key: `visit-item:${appt.code}`,
      to: { channel: appt.origin.channel, conversationId: appt.origin.conversationId, isGroup: false, account: appt.origin.account ?? undefined },
      text: `您的${talk ? '约访' : '预约'}（预约号 ${appt.code}）谈到的事项已登记，事项编号 ${item.code}。可在“查进度”页面输入编号查看办理情况。`,
      purpose: 'notice',
      item: item._id,
    }).catch(() => undefined);
  }
  return { item: { code: item.code, kind: item.kind, room: item.room }, created: true, appointment: appt };
}

/** Item codes of the 约访 among these booking codes that became items (booking code → item code). */
export async function visitItemCodes(codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await Promise.all(codes.map((c) => VisitItemModel.findById(c, { itemCode: 1 }).lean()));
  return new Map(rows.filter((r): r is NonNullable<typeof r> & { itemCode: string } => Boolean(r?.itemCode)).map((r) => [r._id, r.itemCode]));
}

/** Of these dates ('yyyy-MM-dd'), the room's talk days: the days a 约访 may be with a leader. */
export async function leaderDays(room: string, dates: readonly string[], zone: string): Promise<string[]> {
  const months = [...new Set(dates.map((d) => d.slice(0, 7)))];
  const days = await Promise.all(months.map((m) => talkDayDateOf(room, m, zone)));
  return days.filter((d): d is string => d !== null && dates.includes(d));
}

/**
 * The room's coming talk days, from today (this month's while it is still ahead, and next
 * month's): the days a leader receives residents. Dates 'yyyy-MM-dd' in `zone`.
 */
export async function upcomingLeaderDays(room: string, now: Date, zone: string): Promise<string[]> {
  const today = DateTime.fromJSDate(now, { zone });
  const months = [today, today.plus({ months: 1 })].map((d) => d.toFormat('yyyy-MM'));
  const days = await Promise.all(months.map((m) => talkDayDateOf(room, m, zone)));
  return days.filter((d): d is string => d !== null && d >= (today.toISODate() as string));
}
