import { roomByCode, type Room } from '../modules/rooms';
import { DateTime } from 'luxon';
import { appointmentsStartingBetween, type DueAppointment, remindableStartsBetween } from '../modules/appointments';
import { formatDate, renderFor, roomValues } from '../modules/templates';
import { WEEKDAY_LABELS } from '../modules/talk-day';
import { queueSms, smsSettings } from '../modules/sms';
import { nextSlots, slotKey, slotsBetween, type ScheduleSpec } from './schedule';
import type { JobDefinition, JobEnv, JobRunContext, JobSlot } from '../modules/notices';

/**
 * Appointment reminders:
 *  - evening: every day at REMINDER_EVENING_TIME, for every appointment of the next day;
 *  - hour: every 10 minutes, for appointments starting 60–70 minutes after the slot, so each
 *    appointment falls in exactly one run.
 * Each goes to the resident's own channel: WeChat (and WeCom) bookers in their chat; web bookers
 * (the booking page, the web chat) by SMS when SMS is on and they left a number, and web chat
 * bookers also in their chat. Bookings with neither (made at the counter) get none.
 * Once per appointment and reminder: the chat by `job:<job>:<slot>:<code>`, the text by the outbox
 * key `sms:reminder:<job>:<code>:<start>`, however many instances run the job. A text is not
 * urgent (quiet hours hold it) and is given up once the appointment has begun.
 */
export const EVENING_REMINDER_JOB = 'appointment-reminder-evening';
export const HOUR_REMINDER_JOB = 'appointment-reminder-hour';

const HOUR_STEP_MINUTES = 10;

/**
 * Slots of a reminder schedule that have something to remind: a run with no appointment in its
 * window sends nothing, so it is not claimed at all (and does not clutter the runs list).
 * `window(at)` is the [from, to) of appointment starts a slot at `at` covers.
 */
function reminderSlots(spec: (env: JobEnv) => ScheduleSpec, window: (at: Date, env: JobEnv) => [Date, Date], label: string) {
  const toSlot = (at: Date, env: JobEnv): JobSlot => ({ runKey: slotKey(at, env.zone), at, label });
  async function withWork(slots: Date[], env: JobEnv): Promise<JobSlot[]> {
    if (slots.length === 0) return [];
    const windows = slots.map((at) => window(at, env));
    const starts = await remindableStartsBetween(windows[0][0], windows[windows.length - 1][1]);
    return slots.filter((_, i) => starts.some((start) => start >= windows[i][0] && start < windows[i][1])).map((at) => toSlot(at, env));
  }
  return {
    async slotsBetween(from: Date, to: Date, env: JobEnv): Promise<JobSlot[]> {
      return withWork(slotsBetween(spec(env), from, to, env.zone), env);
    },
    async upcoming(after: Date, env: JobEnv, limit: number): Promise<JobSlot[]> {
      return nextSlots(spec(env), after, limit, env.zone).map((at) => toSlot(at, env));
    },
  };
}

function nextDay(at: Date, env: JobEnv): [Date, Date] {
  const tomorrow = DateTime.fromJSDate(at, { zone: env.zone }).plus({ days: 1 }).startOf('day');
  return [tomorrow.toJSDate(), tomorrow.plus({ days: 1 }).toJSDate()];
}

function hourAhead(at: Date): [Date, Date] {
  const from = new Date(at.getTime() + 60 * 60_000);
  return [from, new Date(from.getTime() + HOUR_STEP_MINUTES * 60_000)];
}

async function remind(ctx: JobRunContext, appts: DueAppointment[], templateKey: string): Promise<void> {
  const zone = ctx.env.zone;
  const now = ctx.env.now();
  const rooms = new Map<string, Room | null>();
  const sms = smsSettings(ctx.env.config);
  for (const a of appts) {
    if (a.start <= now) continue; // caught up too late: it has begun
    if (!rooms.has(a.room)) rooms.set(a.room, await roomByCode(a.room));
    const start = DateTime.fromJSDate(a.start, { zone });
    if (a.smsPhone) {
      // Booked on the web: a text, when SMS is on (queueSms queues nothing otherwise). The key
      // makes it one text per booking and reminder, however many instances run this job or a
      // resumed run repeats it; quiet hours hold it, and it is not sent once the appointment began.
      await queueSms(sms, {
        key: `reminder:${ctx.job}:${a.code}:${a.start.getTime()}`,
        phone: a.smsPhone,
        purpose: 'reminder',
        params: { service: a.serviceName, time: start.toFormat('M月d日 HH:mm'), address: rooms.get(a.room)?.address ?? a.roomAddress, code: a.code },
        notAfter: a.start,
        source: `job:${ctx.job}:${ctx.runKey}`.slice(0, 120),
        now,
      });
      await ctx.heartbeat();
    }
    if (!a.replyTo) continue;
    const text = await renderFor(templateKey, a.room, {
      ...roomValues(rooms.get(a.room) ?? { name: a.roomName, address: a.roomAddress, phone: '' }),
      date: formatDate(a.start, zone),
      weekday: WEEKDAY_LABELS[start.weekday],
      time: start.toFormat('HH:mm'),
      service: a.serviceName,
      code: a.code,
    });
    await ctx.deliver({
      recipient: a.code,
      room: a.room,
      audience: 'resident',
      label: `预约 ${a.code}（${start.toFormat('M月d日 HH:mm')}）`,
      to: { channel: a.replyTo.channel, conversationId: a.replyTo.conversationId, isGroup: false, account: a.replyTo.account },
      text,
      purpose: 'reminder',
    });
  }
}

export function eveningReminderJob(): JobDefinition {
  return {
    name: EVENING_REMINDER_JOB,
    label: '预约提醒（前一天晚上）',
    ...reminderSlots((env) => ({ kind: 'daily', times: [env.config.REMINDER_EVENING_TIME] }), nextDay, '明天的预约提醒'),
    // After 21:30 a reminder is more nuisance than help; the hour-before reminder still comes.
    maxLatenessMs: () => 2.5 * 3600_000,
    async run(ctx) {
      const appts = await appointmentsStartingBetween(...nextDay(ctx.slotAt, ctx.env));
      await remind(ctx, appts, 'appointment.reminder_evening');
    },
  };
}

export function hourReminderJob(): JobDefinition {
  return {
    name: HOUR_REMINDER_JOB,
    label: '预约提醒（提前一小时）',
    ...reminderSlots(() => ({ kind: 'every', minutes: HOUR_STEP_MINUTES }), hourAhead, '一小时后开始的预约提醒'),
    // A late run still helps while the appointments have not begun (remind() skips those that have).
    maxLatenessMs: () => 50 * 60_000,
    async run(ctx) {
      const appts = await appointmentsStartingBetween(...hourAhead(ctx.slotAt));
      await remind(ctx, appts, 'appointment.reminder_hour');
    },
  };
}
