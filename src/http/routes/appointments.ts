import { roomByCode } from '../../modules/rooms';
import Router from '@koa/router';
import { Types } from 'mongoose';
import { badRequest, notFound, tooManyRequests } from '../../lib/errors';
import type { AppContext, AppDeps, AppState } from '../types';
import { parseInput, roomCodeSchema } from '../validate';
import { assertRole, assertRoomAccess, assertRoomSetupWrite, currentOfficer, requireOfficer } from '../middleware/auth';
import { recordAudit } from '../../modules/audit';
import { findService } from '../../modules/services';
import { addAppointmentNote, type Appointment, appointmentIcs, appointmentPolicy, type AppointmentPolicy, cancelAppointment, cancelForClosedDay, checkInAppointment, closedDayCancellations, maskMobile, recordCancellationNotice, completeAppointment, deleteCalendarEntry, findByCode, findCalendarEntry, findForResident, isoLocal, listCalendar, listSlots, loadScheduleSpec, markNoShow, presentForOfficer, presentForResident, putCalendarEntry, registerWalkIn, roomDay, saveSchedule } from '../../modules/appointments';
import {
  BookSchema,
  CalendarEntrySchema,
  CalendarQuerySchema,
  DayQuerySchema,
  NoteSchema,
  PhoneBodySchema,
  RescheduleSchema,
  ScheduleSchema,
  SlotsQuerySchema,
  WalkInSchema,
  LookupQuerySchema,
  VisitToItemSchema,
} from './appointments.schema';
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Config } from '../../config';
import { clientKey, createDailyLimiter, createRateLimiter, type RateLimiter } from '../../modules/rate-limits';
import { queueSms, smsSettings } from '../../modules/sms';
import { enqueueMessage } from '../../modules/outbox';
import type { VerificationCodes } from '../../modules/verification';
import { bookVisit, leaderDays, rescheduleVisit, turnVisitIntoItem, visitItemCodes } from '../../modules/visits';

export interface AppointmentRouteOptions {
  now?: () => Date;
  /** SMS verification codes; when on, booking and managing by phone need a code. */
  verification?: VerificationCodes;
}

/** Rate-limit keys of a mobile number: a hash, so the limiter's records carry no numbers. */
const phoneKey = (phone: string) => createHash('sha256').update(`appointment-phone:${phone}`).digest('hex').slice(0, 32);

/** The guards on residents' appointment requests, with or without SMS (config APPOINTMENT_RATE_*). */
function appointmentGuards(config: Config) {
  return {
    bookIp: createRateLimiter({ name: 'appt-book-ip', points: config.APPOINTMENT_RATE_BOOK_PER_IP_PER_HOUR, windowMs: 3600_000 }),
    bookPhone: createDailyLimiter({ name: 'appt-book-phone', points: config.APPOINTMENT_RATE_BOOK_PER_PHONE_PER_DAY, zone: config.APP_TIMEZONE }),
    manageIp: createRateLimiter({ name: 'appt-manage-ip', points: config.APPOINTMENT_RATE_MANAGE_PER_IP_PER_10MIN, windowMs: 600_000 }),
    managePhone: createRateLimiter({ name: 'appt-manage-phone', points: config.APPOINTMENT_RATE_MANAGE_PER_PHONE_PER_HOUR, windowMs: 3600_000 }),
    icsIp: createRateLimiter({ name: 'appt-ics-ip', points: config.APPOINTMENT_RATE_ICS_PER_IP_PER_10MIN, windowMs: 600_000 }),
    slotsIp: createRateLimiter({ name: 'appt-slots-ip', points: config.APPOINTMENT_RATE_SLOTS_PER_IP_PER_MIN, windowMs: 60_000 }),
  };
}

const codeParam = (ctx: AppContext) => parseInput(roomCodeSchema, ctx.params.code);

async function roomOf(code: string) {
  return roomByCode(code, { fields: ['code', 'name', 'address', 'phone'] });
}

async function materialsOf(service: string): Promise<string[]> {
  return (await findService(service))?.materials ?? [];
}

async function residentView(appt: Appointment, policy: AppointmentPolicy, now: Date) {
  return presentForResident(appt, await roomOf(appt.room), policy, now, await materialsOf(appt.service));
}

/**
 * Residents: slots, book, look up / cancel / reschedule by code + mobile, the .ics file.
 * Officers: the day view, check-in, complete, no-show, notes, walk-ins, schedules, calendar.
 */
export function appointmentRouters(deps: Pick<AppDeps, 'config'>, options: AppointmentRouteOptions = {}): Router<AppState>[] {
  const policy = appointmentPolicy(deps.config);
  const now = options.now ?? (() => new Date());
  const sms = smsSettings(deps.config);
  const verification = options.verification?.enabled ? options.verification : null;
  const guards = appointmentGuards(deps.config);

  async function guard(ctx: AppContext, limiter: RateLimiter, key: string, message: string): Promise<void> {
    const { allowed, retryAfterMs } = await limiter.consume(key, now());
    if (allowed) return;
    ctx.set('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
    ctx.state.log.warn({ path: ctx.path }, 'appointment request rate limited');
    throw tooManyRequests(message);
  }
  const ipGuard = async (ctx: AppContext, limiter: RateLimiter) => guard(ctx, limiter, await clientKey(ctx.ip || 'unknown', now()), '操作太频繁，请稍后再试（Too many requests from this address）');

  /** Look-up, cancel, reschedule: per address, then (SMS on) the code or token, then per number. */
  async function assertManage(ctx: AppContext, phone: string, proof: { verificationCode?: string; verificationToken?: string }): Promise<void> {
    await ipGuard(ctx, guards.manageIp);
    if (verification && !(await verification.hasGrant({ phone, purpose: 'manage', token: proof.verificationToken }))) {
      await verification.assertUse({ phone, purpose: 'manage', code: proof.verificationCode });
    }
    await guard(ctx, guards.managePhone, phoneKey(phone), '该手机号查询或办理次数太多，请稍后再试（Too many requests for this number）');
  }

  /** The cancellation text of a booking the room's closed day cancelled (one per booking: keyed by its code). */
  /**
   * Tells a resident that the room closed their booking's day: in the chat they booked from
   * (WeChat, the web chat), and by SMS when SMS is on and they left a number. Each once, by key.
   */
  async function notifyCancellation(appt: Appointment, at: Date): Promise<{ chat: boolean; sms: boolean }> {
    const room = await roomOf(appt.room);
    const told = { chat: false, sms: false };
    if (appt.origin) {
      told.chat = true;
      const when = DateTime.fromJSDate(appt.start, { zone: policy.zone }).toFormat('M月d日 HH:mm');
      await enqueueMessage({
        key: `closed-day-cancel:${appt.code}`,
        to: { channel: appt.origin.channel, conversationId: appt.origin.conversationId, isGroup: appt.origin.isGroup ?? false, account: appt.origin.account ?? undefined },
        text: `很抱歉，${room?.name ?? appt.room}因临时停止办公，您预约的「${appt.serviceName}」（${when}，预约号 ${appt.code}）已取消。请重新预约其他时段，给您带来不便敬请谅解。`,
        purpose: 'notice',
      });
    }
    if (!appt.phone) return told;
    const texted = await queueSms(sms, {
      key: `cancel:${appt.code}`,
      phone: appt.phone,
      purpose: 'cancel',
      params: { room: room?.name ?? appt.room, date: DateTime.fromJSDate(appt.start, { zone: policy.zone }).toFormat('M月d日'), service: appt.serviceName, code: appt.code },
      source: `appointment:${appt.code}`,
      now: at,
    });
    told.sms = texted.queued;
    return told;
  }

  // ---------------------------------------------------------------- /api/appointments
  const appts = new Router<AppState>({ prefix: '/api/appointments' });

  appts.post('/', async (ctx) => {
    const { verificationCode, ...body } = parseInput(BookSchema, ctx.request.body ?? {});
    await ipGuard(ctx, guards.bookIp);
    // With SMS on, the number is proved before it is counted, so nobody can use up another's bookings.
    const proof = verification ? await verification.assertUse({ phone: body.phone, purpose: 'booking', code: verificationCode }) : null;
    const at = now();
    let appt: Appointment;
    try {
      await guard(ctx, guards.bookPhone, phoneKey(body.phone), '该手机号今天预约次数太多，请明天再试（Too many bookings for this number today）');
      // 约访 (talk_with_officer) goes through the same engine; the visits module adds its talk-day rule.
      appt = await bookVisit({ ...body, policy, now: at, source: 'web', verified: proof !== null });
    } catch (err) {
      await proof?.release(); // nothing was booked: the code stays good for another try
      throw err;
    }
    const room = await roomOf(appt.room);
    const materials = await materialsOf(appt.service);
    await queueSms(sms, {
      key: `booking:${appt.code}`,
      phone: appt.phone!,
      purpose: 'booking',
      params: {
        code: appt.code,
        service: appt.serviceName,
        time: DateTime.fromJSDate(appt.start, { zone: policy.zone }).toFormat('M月d日 HH:mm'),
        address: room?.address ?? room?.name ?? appt.room,
        materials: materials.length > 0 ? materials.join('、') : '身份证件',
      },
      urgent: true, // the answer to what the resident just did
      source: `appointment:${appt.code}`,
      now: at,
    });
    ctx.status = 201;
    ctx.body = presentForResident(appt, room, policy, at, materials);
  });

  appts.get('/:code', async (ctx) => {
    const raw = String(ctx.params.code);
    if (raw.toLowerCase().endsWith('.ics')) {
      // The code alone is enough here: the file carries service, time and room, no personal data.
      await ipGuard(ctx, guards.icsIp);
      const appt = await findByCode(raw.slice(0, -4));
      const room = await roomOf(appt.room);
      ctx.type = 'text/calendar; charset=utf-8';
      ctx.set('Content-Disposition', `attachment; filename="${appt.code}.ics"`);
      ctx.set('Cache-Control', 'no-store');
      ctx.body = await appointmentIcs({
        code: appt.code,
        serviceName: appt.serviceName,
        start: appt.start,
        end: appt.end,
        room: { name: room?.name ?? appt.room, address: room?.address ?? '', phone: room?.phone ?? null },
        publicUrl: policy.publicUrl,
        status: appt.status,
      });
      return;
    }
    const { phone, ...proof } = parseInput(LookupQuerySchema, ctx.query);
    await assertManage(ctx, phone, proof);
    const appt = await findForResident(raw, phone);
    ctx.body = await residentView(appt, policy, now());
  });

  appts.post('/:code/cancel', async (ctx) => {
    const { phone, ...proof } = parseInput(PhoneBodySchema, ctx.request.body ?? {});
    await assertManage(ctx, phone, proof);
    const at = now();
    const appt = await cancelAppointment({ code: String(ctx.params.code), phone, policy, now: at });
    ctx.body = await residentView(appt, policy, at);
  });

  appts.post('/:code/reschedule', async (ctx) => {
    const body = parseInput(RescheduleSchema, ctx.request.body ?? {});
    await assertManage(ctx, body.phone, body);
    const at = now();
    const appt = await rescheduleVisit({ code: String(ctx.params.code), phone: body.phone, start: body.start, policy, now: at });
    ctx.body = await residentView(appt, policy, at);
  });

  // Officers act on the loaded appointment's room.
  const officerAction = (action: typeof checkInAppointment) =>
    async function officerActionHandler(ctx: AppContext) {
      const appt = await findByCode(String(ctx.params.code));
      const officer = await assertRoomAccess(ctx, appt.room);
      const done = await action({ code: appt.code, officer: { id: officer.id, name: officer.name }, policy, now: now(), logger: ctx.state.log });
      ctx.body = { appointment: presentForOfficer(done, policy.zone) };
    };
  appts.post('/:code/check-in', requireOfficer(), officerAction(checkInAppointment));
  appts.post('/:code/complete', requireOfficer(), officerAction(completeAppointment));
  appts.post('/:code/no-show', requireOfficer(), officerAction(markNoShow));

  appts.post('/:code/notes', requireOfficer(), async (ctx) => {
    const { text } = parseInput(NoteSchema, ctx.request.body ?? {});
    const appt = await findByCode(String(ctx.params.code));
    const officer = await assertRoomAccess(ctx, appt.room);
    const note = await addAppointmentNote({ code: appt.code, officer: { id: officer.id, name: officer.name }, text });
    ctx.status = 201;
    ctx.body = { note: { text: note.text, officerName: note.officerName, createdAt: note.createdAt } };
  });

  // 转为事项: what was said at a 约访 becomes an item of the room's inbox with a code the resident follows.
  appts.post('/:code/to-item', requireOfficer(), async (ctx) => {
    const appt = await findByCode(String(ctx.params.code));
    const officer = await assertRoomAccess(ctx, appt.room);
    const body = parseInput(VisitToItemSchema, ctx.request.body ?? {});
    const result = await turnVisitIntoItem({ code: appt.code, text: body.text, kind: body.kind, officer: { id: officer.id, name: officer.name }, now: now() });
    if (result.created) {
      await recordAudit({ actor: { kind: 'officer', id: officer.id, name: officer.name, username: officer.username }, action: 'visit.to_item', room: appt.room, detail: `${appt.code} → ${result.item.code}` });
    }
    ctx.status = result.created ? 201 : 200;
    ctx.body = { appointment: appt.code, itemCode: result.item.code, created: result.created };
  });

  // ---------------------------------------------------------------- /api/rooms/:code/…
  const rooms = new Router<AppState>({ prefix: '/api/rooms' });

  // Counts of free seats only (never who booked): cheap, cached for a few seconds, limited per address.
  rooms.get('/:code/slots', async (ctx) => {
    await ipGuard(ctx, guards.slotsIp);
    const room = codeParam(ctx);
    const query = parseInput(SlotsQuerySchema, ctx.query);
    const result = await listSlots({
      room,
      service: query.service,
      from: query.date ?? query.from,
      days: query.date ? 1 : query.days,
      policy,
      now: now(),
    });
    ctx.body = {
      room: { code: result.room.code, name: result.room.name, address: result.room.address },
      service: { key: result.service.key, name: result.service.name, materials: result.service.materials },
      data: result.days.flatMap((d) => d.slots),
      days: result.days,
      // 约访: the days of these a leader receives residents (the room's talk day).
      ...(result.service.key === 'talk_with_officer' ? { leaderDays: await leaderDays(result.room.code, result.days.map((d) => d.date), policy.zone) } : {}),
    };
  });

  rooms.get('/:code/day', requireOfficer(), async (ctx) => {
    const code = codeParam(ctx);
    const { date } = parseInput(DayQuerySchema, ctx.query);
    const room = await roomByCode(code, { fields: ['code'] });
    if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
    await assertRoomAccess(ctx, room.code);
    const day = await roomDay({ room: room.code, date, policy });
    const zone = policy.zone;
    const all = [...day.slots.flatMap((s) => s.appointments), ...day.offGrid];
    const itemCodes = await visitItemCodes(all.map((a) => a.code));
    const present = (a: Appointment) => ({ ...presentForOfficer(a, zone, day.notesOf(a._id)), itemCode: itemCodes.get(a.code) ?? null });
    ctx.body = {
      room: { code: day.room.code, name: day.room.name },
      date,
      open: day.plan.open,
      reason: day.plan.reason,
      label: day.plan.label,
      slots: day.slots.map((s) => ({
        start: isoLocal(s.start, zone),
        end: isoLocal(s.end, zone),
        capacity: s.capacity,
        held: s.held,
        appointments: s.appointments.map(present),
      })),
      offGrid: day.offGrid.map(present),
      // Bookings a closed day cancelled, with how each resident was told; `none`: the officers call them.
      closedDayCancellations: (await closedDayCancellations({ room: room.code, date, policy })).map((a) => ({
        code: a.code,
        serviceName: a.serviceName,
        start: isoLocal(a.start, zone),
        name: a.name ?? null,
        phoneMasked: maskMobile(a.phone),
        phone: a.phone ?? null,
        told: a.cancelNotice ?? 'none',
      })),
    };
  });

  rooms.post('/:code/walk-ins', requireOfficer(), async (ctx) => {
    const code = codeParam(ctx);
    const body = parseInput(WalkInSchema, ctx.request.body ?? {});
    const room = await roomByCode(code, { fields: ['code'] });
    if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
    const officer = await assertRoomAccess(ctx, room.code);
    const appt = await registerWalkIn({ room: room.code, service: body.service, name: body.name ?? null, phone: body.phone ?? null, start: body.start ?? null, officer: { id: officer.id }, policy, now: now() });
    ctx.status = 201;
    ctx.body = { appointment: presentForOfficer(appt, policy.zone) };
  });

  rooms.get('/:code/schedule', requireOfficer(), async (ctx) => {
    const code = codeParam(ctx);
    const room = await roomByCode(code);
    if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
    await assertRoomAccess(ctx, room.code);
    const spec = await loadScheduleSpec(room, policy);
    ctx.body = { room: room.code, schedule: spec };
  });

  rooms.put('/:code/schedule', requireOfficer(), async (ctx) => {
    const code = codeParam(ctx);
    const input = parseInput(ScheduleSchema, ctx.request.body ?? {});
    const room = await roomByCode(code);
    if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
    const officer = await assertRoomSetupWrite(ctx, room.code);
    await saveSchedule(room.code, input, officer.username);
    await recordAudit({ actor: { kind: 'officer', id: officer.id, name: officer.name, username: officer.username }, action: 'room.schedule', room: room.code });
    ctx.body = { room: room.code, schedule: await loadScheduleSpec(room, policy) };
  });

  // ---------------------------------------------------------------- /api/holidays (the calendar)
  const calendar = new Router<AppState>({ prefix: '/api/holidays' });

  const presentEntry = (e: { _id: unknown; scope: string; date: string; kind: string; name?: string | null; followsWeekday?: number | null; startTime?: string | null; endTime?: string | null; provisional?: boolean | null; source?: string | null }) => ({
    id: String(e._id),
    room: e.scope === '*' ? null : e.scope,
    date: e.date,
    kind: e.kind,
    name: e.name ?? null,
    followsWeekday: e.followsWeekday ?? null,
    startTime: e.startTime ?? null,
    endTime: e.endTime ?? null,
    provisional: e.provisional ?? false,
    source: e.source ?? 'admin',
  });

  // Public: residents may see when rooms are closed.
  calendar.get('/', async (ctx) => {
    const q = parseInput(CalendarQuerySchema, ctx.query);
    const entries = await listCalendar({ from: q.from, to: q.to, room: q.room ?? null });
    ctx.body = { data: entries.map(presentEntry) };
  });

  // National entries: admins. A room's own entries: its officers and admins (supervisors read only).
  calendar.post('/', requireOfficer(), async (ctx) => {
    const body = parseInput(CalendarEntrySchema, ctx.request.body ?? {});
    const scope = body.room ?? '*';
    if (scope === '*') assertRole(ctx, ['admin']);
    else await assertRoomSetupWrite(ctx, scope);
    const entry = await putCalendarEntry({ ...body, scope });
    const me = currentOfficer(ctx.state);
    await recordAudit({ actor: { kind: 'officer', id: me.id, name: me.name, username: me.username }, action: 'calendar.put', room: scope === '*' ? null : scope, detail: `${body.date} ${body.kind}` });
    // A closed day (or hours) with bookings: they are cancelled and each resident is told once (chat and SMS).
    const at = now();
    const cancelled = body.kind === 'workday' ? [] : await cancelForClosedDay({ scope, date: body.date, officer: { id: me.id }, policy, now: at, reason: body.name ?? null });
    // Who could not be told (booked on the page with SMS off) is listed on the day page for the officers to call.
    for (const appt of cancelled) await recordCancellationNotice(appt.code, await notifyCancellation(appt, at));
    if (cancelled.length > 0) {
      await recordAudit({ actor: { kind: 'officer', id: me.id, name: me.name, username: me.username }, action: 'appointment.cancel_closed_day', room: scope === '*' ? null : scope, detail: `${body.date}：${cancelled.map((a) => a.code).join('、')}` });
    }
    ctx.status = 201;
    ctx.body = { entry: entry ? presentEntry(entry) : null, cancelledAppointments: cancelled.map((a) => a.code) };
  });

  calendar.delete('/:id', requireOfficer(), async (ctx) => {
    const id = String(ctx.params.id);
    if (!Types.ObjectId.isValid(id)) throw badRequest('编号格式不正确（Invalid id）', undefined, 'invalid_id');
    const entry = await findCalendarEntry(id);
    if (!entry) throw notFound('未找到该日历条目（Calendar entry not found）');
    if (entry.scope === '*') assertRole(ctx, ['admin']);
    else await assertRoomSetupWrite(ctx, entry.scope);
    await deleteCalendarEntry(String(entry._id));
    const me = currentOfficer(ctx.state);
    await recordAudit({ actor: { kind: 'officer', id: me.id, name: me.name, username: me.username }, action: 'calendar.delete', room: entry.scope === '*' ? null : entry.scope, detail: `${entry.date} ${entry.kind}` });
    ctx.status = 204;
  });

  return [appts, rooms, calendar];
}
