import type { ChannelName } from '../../lib/channel-names';
import { DateTime } from 'luxon';
import { badRequest, conflict } from '../../lib/errors';
import { generateCode } from '../../lib/codes';
import type { Logger } from '../../logging/logger';
import { insertUnique } from '../../storage/unique-insert';
import { emitAppointmentCompleted } from './appointment.events';
import { AppointmentEventModel, AppointmentModel, AppointmentNoteModel, NoShowModel, eventId, type Appointment } from './appointment.model';
import type { AppointmentPolicy } from './appointment.policy';
import { claimTransition, endedAs, findByCode, reread } from './appointment.records';
import { slotFull, suggestAfter } from './availability';
import { loadRoom, loadSetting, resolveSlot, type Clocked } from './booking-context';
import { releaseBookingToken } from './booking-limits';
import { normalizeMobile } from './phone';
import { loadCalendar, loadScheduleSpec } from './schedule.service';
import { claimSeats, heldSlotFields, releaseSeats } from './seats';
import { baseSlots, planDay, serviceSlots, walkInSeatNumbers, type ServiceSlot } from './slots';

/** The officers' day: check-in, completion, no-shows, notes, walk-ins at the counter, and the day's grid. */

export interface OfficerActionProps extends Clocked {
  code: string;
  officer: { id: string; name?: string };
  logger?: Logger;
}

export async function checkInAppointment(props: OfficerActionProps): Promise<Appointment> {
  const appt = await findByCode(props.code);
  if (appt.status !== 'booked') throw conflict('该预约当前状态不能签到（Cannot check in now）', 'invalid_transition');
  if (await endedAs(appt.code)) throw conflict('该预约已结束（Appointment already closed）', 'already_closed');
  const won = await claimTransition(appt, 'checked_in', 'checked_in', 'officer', { officer: props.officer.id });
  if (!won) throw conflict('该预约已签到（Already checked in）', 'already_checked_in');
  await AppointmentModel.updateOne({ _id: appt._id }, { $set: { status: 'checked_in', checkedInAt: props.now } });
  return reread(appt);
}

export async function completeAppointment(props: OfficerActionProps): Promise<Appointment> {
  const appt = await findByCode(props.code);
  if (appt.status !== 'booked' && appt.status !== 'checked_in') throw conflict('该预约当前状态不能办结（Cannot complete now）', 'invalid_transition');
  const won = await claimTransition(appt, 'end', 'completed', 'officer', { officer: props.officer.id });
  if (!won) throw conflict('该预约已结束（Appointment already closed）', 'already_closed');
  await AppointmentModel.updateOne({ _id: appt._id }, { $set: { status: 'completed', completedAt: props.now } });
  await releaseBookingToken(appt);
  const done = await reread(appt);
  await emitAppointmentCompleted(
    {
      id: String(done._id),
      code: done.code,
      room: done.room,
      service: done.service,
      serviceName: done.serviceName,
      start: done.start,
      completedAt: props.now,
      walkIn: done.walkIn ?? false,
      origin: done.origin ? { channel: done.origin.channel as ChannelName, conversationId: done.origin.conversationId, isGroup: false, account: done.origin.account ?? undefined } : null,
    },
    props.logger,
  );
  return done;
}

export async function markNoShow(props: OfficerActionProps): Promise<Appointment> {
  const appt = await findByCode(props.code);
  if (appt.status !== 'booked') throw conflict('只有未签到的预约才能标记为未到（Only booked appointments can be marked no-show）', 'invalid_transition');
  if (props.now.getTime() < appt.start.getTime()) throw badRequest('预约时间还没到，不能标记为未到（Slot has not started）', undefined, 'too_early');
  const won = await claimTransition(appt, 'end', 'no_show', 'officer', { officer: props.officer.id });
  if (!won) throw conflict('该预约已结束（Appointment already closed）', 'already_closed');
  await AppointmentModel.updateOne({ _id: appt._id }, { $set: { status: 'no_show', noShowAt: props.now } });
  if (appt.phone) await insertUnique(NoShowModel, { _id: appt.code, phone: appt.phone, at: props.now });
  await releaseBookingToken(appt);
  return reread(appt);
}

export async function addAppointmentNote(props: { code: string; officer: { id: string; name?: string }; text: string }) {
  const appt = await findByCode(props.code);
  const note = await AppointmentNoteModel.create({ appointment: appt._id, officer: props.officer.id, officerName: props.officer.name ?? null, text: props.text });
  return note.toObject();
}

export interface WalkInProps extends Clocked {
  room: string;
  service: string;
  name?: string | null;
  phone?: string | null;
  /** A slot start today; default: the slot running now, else the next one today. */
  start?: string | null;
  officer: { id: string };
}

/** A resident at the counter without a booking: takes a seat of the current slot (walk-in seats first). */
export async function registerWalkIn(props: WalkInProps): Promise<Appointment> {
  const { policy, now } = props;
  const zone = policy.zone;
  const phone = props.phone ? normalizeMobile(props.phone) : null;
  if (props.phone && !phone) throw badRequest('手机号格式不正确，请填写11位手机号（Invalid mobile number）', undefined, 'invalid_phone');
  const setting = await loadSetting(props.room, props.service, policy);
  const nowDt = DateTime.fromJSDate(now, { zone });
  let slot: ServiceSlot;
  if (props.start) {
    slot = await resolveSlot(setting, { start: props.start, policy, now, checkWindow: false });
    if (slot.end <= nowDt.toMillis()) throw badRequest('所选时段已过（Slot is in the past）', undefined, 'slot_in_past');
  } else {
    const today = nowDt.toISODate() as string;
    const calendar = await loadCalendar(setting.room.code, today, today);
    const plan = planDay(today, setting.room.code, setting.spec, calendar);
    const found = serviceSlots(plan, setting.spec, setting.rule, zone).find((s) => s.end > nowDt.toMillis());
    if (!found) throw badRequest('今天已没有可用时段（No slot left today）', undefined, 'no_slot_today');
    slot = found;
  }
  const code = generateCode('appointment');
  const seatNumbers = walkInSeatNumbers(setting.spec.capacity);
  const seats = await claimSeats({ room: setting.room.code, slot, seatNumbers, code, walkIn: true, spread: false });
  if (!seats) throw slotFull(await suggestAfter(setting, slot, { policy, now }));
  try {
    const created = await AppointmentModel.create({
      ...heldSlotFields(setting, slot, code, seats),
      status: 'checked_in',
      walkIn: true,
      name: props.name ?? null,
      phone,
      materialsConfirmed: false,
      source: 'officer',
      checkedInAt: now,
      createdBy: props.officer.id,
    });
    await AppointmentEventModel.create({ _id: eventId(code, 'checked_in'), appointment: code, key: 'checked_in', type: 'checked_in', by: 'officer', officer: props.officer.id });
    return created.toObject() as Appointment;
  } catch (err) {
    await releaseSeats(setting.room.code, seats, code).catch(() => undefined);
    throw err;
  }
}

/** The officers' day: every base slot with its capacity, seats held, and the appointments starting in it. */
export async function roomDay(props: { room: string; date: string; policy: AppointmentPolicy }) {
  const zone = props.policy.zone;
  const room = await loadRoom(props.room);
  const spec = await loadScheduleSpec(room, props.policy);
  const calendar = await loadCalendar(room.code, props.date, props.date);
  const plan = planDay(props.date, room.code, spec, calendar);
  const dayStart = DateTime.fromISO(props.date, { zone }).startOf('day');
  const dayEnd = dayStart.plus({ days: 1 });
  const appts = await AppointmentModel.find({ room: room.code, start: { $gte: dayStart.toJSDate(), $lt: dayEnd.toJSDate() } }).sort({ start: 1, createdAt: 1 }).lean<Appointment[]>();
  const notes = await AppointmentNoteModel.find({ appointment: { $in: appts.map((a) => a._id) } }).sort({ createdAt: 1 }).lean();
  // Seats held per base slot, from the appointments' own copies (past seats are purged from Seat).
  const held = new Map<number, number>();
  for (const a of appts) {
    if (a.status === 'cancelled') continue;
    for (const s of a.seats ?? []) {
      const k = new Date(s.slotStart as Date).getTime();
      held.set(k, (held.get(k) ?? 0) + 1);
    }
  }
  const notesOf = (id: string) => notes.filter((n) => String(n.appointment) === String(id));
  const grid = plan.open ? baseSlots(plan, spec, zone) : [];
  const gridKeys = new Set(grid);
  const slots = grid.map((base) => ({
    start: base,
    end: base + spec.slotMinutes * 60_000,
    capacity: spec.capacity,
    held: held.get(base) ?? 0,
    appointments: appts.filter((a) => a.start.getTime() === base),
  }));
  // Appointments off today's grid (the schedule changed after they were booked) are still shown.
  const offGrid = appts.filter((a) => !gridKeys.has(a.start.getTime()));
  return { room, plan, spec, slots, offGrid, notesOf };
}
