import Router from '@koa/router';
import { Types } from 'mongoose';
import { badRequest, notFound } from '../../lib/errors';
import type { AppDeps } from '../app';
import type { AppContext, AppState } from '../types';
import { parseInput, roomCodeSchema } from '../validate';
import { assertRole, assertRoomAccess, requireOfficer } from '../middleware/auth';
import { RoomModel } from '../../modules/rooms/room.model';
import { findService } from '../../modules/services/service.service';
import { appointmentIcs } from '../../modules/appointments/appointment.ics';
import { appointmentPolicy, type AppointmentPolicy } from '../../modules/appointments/appointment.policy';
import { presentForOfficer, presentForResident } from '../../modules/appointments/appointment.presenter';
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
  mobileSchema,
} from './appointments.schema';
import { findByCode, findForResident } from '../../modules/appointments/appointment.records';
import { listSlots } from '../../modules/appointments/availability';
import { bookAppointment, cancelAppointment, rescheduleAppointment } from '../../modules/appointments/booking.service';
import { addAppointmentNote, checkInAppointment, completeAppointment, markNoShow, registerWalkIn, roomDay } from '../../modules/appointments/officer-day.service';
import type { Appointment } from '../../modules/appointments/appointment.model';
import { CalendarEntryModel } from '../../modules/appointments/schedule.model';
import { deleteCalendarEntry, listCalendar, loadScheduleSpec, putCalendarEntry, saveSchedule } from '../../modules/appointments/schedule.service';
import { isoLocal } from '../../modules/appointments/slots';

export interface AppointmentRouteOptions {
  now?: () => Date;
}

const codeParam = (ctx: AppContext) => parseInput(roomCodeSchema, ctx.params.code);

async function roomOf(code: string) {
  return RoomModel.findOne({ code }, { code: 1, name: 1, address: 1, phone: 1 }).lean();
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

  // ---------------------------------------------------------------- /api/appointments
  const appts = new Router<AppState>({ prefix: '/api/appointments' });

  appts.post('/', async (ctx) => {
    const body = parseInput(BookSchema, ctx.request.body ?? {});
    const at = now();
    const appt = await bookAppointment({ ...body, policy, now: at, source: 'web' });
    ctx.status = 201;
    ctx.body = await residentView(appt, policy, at);
  });

  appts.get('/:code', async (ctx) => {
    const raw = String(ctx.params.code);
    if (raw.toLowerCase().endsWith('.ics')) {
      // The code alone is enough here: the file carries service, time and room, no personal data.
      const appt = await findByCode(raw.slice(0, -4));
      const room = await roomOf(appt.room);
      ctx.type = 'text/calendar; charset=utf-8';
      ctx.set('Content-Disposition', `attachment; filename="${appt.code}.ics"`);
      ctx.set('Cache-Control', 'no-store');
      ctx.body = appointmentIcs({
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
    const phone = parseInput(mobileSchema, ctx.query.phone ?? '');
    const appt = await findForResident(raw, phone);
    ctx.body = await residentView(appt, policy, now());
  });

  appts.post('/:code/cancel', async (ctx) => {
    const { phone } = parseInput(PhoneBodySchema, ctx.request.body ?? {});
    const at = now();
    const appt = await cancelAppointment({ code: String(ctx.params.code), phone, policy, now: at });
    ctx.body = await residentView(appt, policy, at);
  });

  appts.post('/:code/reschedule', async (ctx) => {
    const body = parseInput(RescheduleSchema, ctx.request.body ?? {});
    const at = now();
    const appt = await rescheduleAppointment({ code: String(ctx.params.code), phone: body.phone, start: body.start, policy, now: at });
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

  // ---------------------------------------------------------------- /api/rooms/:code/…
  const rooms = new Router<AppState>({ prefix: '/api/rooms' });

  rooms.get('/:code/slots', async (ctx) => {
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
    };
  });

  rooms.get('/:code/day', requireOfficer(), async (ctx) => {
    const code = codeParam(ctx);
    const { date } = parseInput(DayQuerySchema, ctx.query);
    const room = await RoomModel.findOne({ code }, { code: 1 }).lean();
    if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
    await assertRoomAccess(ctx, room.code);
    const day = await roomDay({ room: room.code, date, policy });
    const zone = policy.zone;
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
        appointments: s.appointments.map((a) => presentForOfficer(a, zone, day.notesOf(a._id))),
      })),
      offGrid: day.offGrid.map((a) => presentForOfficer(a, zone, day.notesOf(a._id))),
    };
  });

  rooms.post('/:code/walk-ins', requireOfficer(), async (ctx) => {
    const code = codeParam(ctx);
    const body = parseInput(WalkInSchema, ctx.request.body ?? {});
    const room = await RoomModel.findOne({ code }, { code: 1 }).lean();
    if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
    const officer = await assertRoomAccess(ctx, room.code);
    const appt = await registerWalkIn({ room: room.code, service: body.service, name: body.name ?? null, phone: body.phone ?? null, start: body.start ?? null, officer: { id: officer.id }, policy, now: now() });
    ctx.status = 201;
    ctx.body = { appointment: presentForOfficer(appt, policy.zone) };
  });

  rooms.get('/:code/schedule', requireOfficer(), async (ctx) => {
    const code = codeParam(ctx);
    const room = await RoomModel.findOne({ code }).lean();
    if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
    await assertRoomAccess(ctx, room.code);
    const spec = await loadScheduleSpec(room, policy);
    ctx.body = { room: room.code, schedule: spec };
  });

  rooms.put('/:code/schedule', requireOfficer(), async (ctx) => {
    const code = codeParam(ctx);
    const input = parseInput(ScheduleSchema, ctx.request.body ?? {});
    const room = await RoomModel.findOne({ code }).lean();
    if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
    const officer = await assertRoomAccess(ctx, room.code);
    await saveSchedule(room.code, input, officer.username);
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

  // National entries: admins. A room's own entries: its officers, supervisors, admins.
  calendar.post('/', requireOfficer(), async (ctx) => {
    const body = parseInput(CalendarEntrySchema, ctx.request.body ?? {});
    const scope = body.room ?? '*';
    if (scope === '*') assertRole(ctx, ['admin']);
    else await assertRoomAccess(ctx, scope);
    const entry = await putCalendarEntry({ ...body, scope });
    ctx.status = 201;
    ctx.body = { entry: entry ? presentEntry(entry) : null };
  });

  calendar.delete('/:id', requireOfficer(), async (ctx) => {
    const id = String(ctx.params.id);
    if (!Types.ObjectId.isValid(id)) throw badRequest('编号格式不正确（Invalid id）', undefined, 'invalid_id');
    const entry = await CalendarEntryModel.findById(id).lean();
    if (!entry) throw notFound('未找到该日历条目（Calendar entry not found）');
    if (entry.scope === '*') assertRole(ctx, ['admin']);
    else await assertRoomAccess(ctx, entry.scope);
    await deleteCalendarEntry(String(entry._id));
    ctx.status = 204;
  });

  return [appts, rooms, calendar];
}
