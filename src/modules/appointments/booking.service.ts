import { badRequest, conflict } from '../../lib/errors';
import { generateCode } from '../../lib/codes';
import { TALK_KEY } from '../../lib/service-catalog';
import type { Logger } from '../../logging/logger';
import { AppointmentEventModel, AppointmentModel, eventId, type Appointment } from './appointment.model';
import { cancelDeadline, claimTransition, endedAs, findByCode, findForResident, reread } from './appointment.records';
import { slotFull, suggestAfter } from './availability';
import { loadSetting, resolveSlot, type Clocked, type ReplyOrigin } from './booking-context';
import { activeBookingCount, assertNotBlocked, claimBookingToken, releaseBookingToken } from './booking-limits';
import { normalizeMobile } from './phone';
import { claimSeats, claimServicePlace, heldSlotFields, looksFull, releaseSeats, releaseServicePlace, takenSeats, type HeldSeat } from './seats';
import { bookableSeatNumbers } from './slots';

/**
 * The resident's booking commands: book, cancel, reschedule. Order of a booking:
 *   1. per-mobile token {phone, n} (cap N active bookings) — cheap, taken first;
 *   2. one seat in each base slot the service slot covers (all or nothing);
 *   3. when the service has its own per-slot capacity, one of its places in the slot;
 *   4. the Appointment document (insert; if it fails the seats, place and token are freed).
 * Cancel deletes the seat documents (the appointment keeps its history); reschedule claims the
 * new seats first and frees the old ones only after.
 */

export interface BookProps extends Clocked {
  room: string;
  service: string;
  start: string | Date;
  name: string;
  phone: string;
  materialsConfirmed: boolean;
  /** 约访 (`talk_with_officer`) only, and required there: what the resident wants to talk about. */
  topic?: string | null;
  /** 约访 only: the room's officer (default) or a leader (the caller checks it is the talk day). */
  talkWith?: 'officer' | 'leader' | null;
  origin?: ReplyOrigin | null;
  source?: 'web' | 'bot';
  /** The booker proved they hold the number with an SMS code. */
  verified?: boolean;
  /**
   * With SMS on: the n-th active booking on one number needs `verified` even on channels that
   * otherwise book without a code (a WeChat resident typing someone else's number). null: no rule.
   */
  verifiedFrom?: number | null;
  logger?: Logger;
}

/** The code `verification_required` tells a chat or page to ask for an SMS code and try again with it. */
function verifiedNumberNeeded(others: number) {
  return badRequest(
    `该手机号已有${others}个未完成的预约，再预约需要用短信验证码确认这是您本人的手机号（A further booking on this number needs an SMS code）`,
    { reason: 'active_bookings', active: others },
    'verification_required',
  );
}

/** 约访 carries a topic (required) and whom it is with; other services carry neither. */
function talkFields(props: Pick<BookProps, 'service' | 'topic' | 'talkWith'>): { topic: string | null; talkWith: 'officer' | 'leader' | null } {
  if (props.service !== TALK_KEY) return { topic: null, talkWith: null };
  const topic = (props.topic ?? '').replace(/\s+/g, ' ').trim();
  if (!topic) throw badRequest('请填写约访事由（想和民警谈什么），200字以内（A topic is required for 约访）', undefined, 'topic_required');
  if (topic.length > 200) throw badRequest('约访事由不能超过200字（Topic too long）', undefined, 'validation_failed');
  return { topic, talkWith: props.talkWith ?? 'officer' };
}

export async function bookAppointment(props: BookProps): Promise<Appointment> {
  const { policy, now } = props;
  const phone = normalizeMobile(props.phone);
  if (!phone) throw badRequest('手机号格式不正确，请填写11位手机号（Invalid mobile number）', undefined, 'invalid_phone');
  if (!props.materialsConfirmed) throw badRequest('请先确认已备齐所需材料（Please confirm the materials checklist）', undefined, 'materials_not_confirmed');
  const talk = talkFields(props);
  const setting = await loadSetting(props.room, props.service, policy);
  const slot = await resolveSlot(setting, { start: props.start, policy, now });
  await assertNotBlocked(phone, policy, now);

  const seatNumbers = bookableSeatNumbers(setting.spec.capacity, setting.rule.walkInShare);
  // Fail fast without writing anything when the slot already looks full.
  const hint = await takenSeats(setting.room.code, slot, seatNumbers);
  if (looksFull(slot, hint, seatNumbers)) throw slotFull(await suggestAfter(setting, slot, { policy, now }));

  const code = generateCode('appointment');
  const token = await claimBookingToken(phone, code, policy, now);
  let seats: HeldSeat[] | null = null;
  let place: number | null = null;
  try {
    // Counted after the token is held, so two bookings racing for the n-th place both see it.
    if (props.verifiedFrom && !props.verified) {
      const active = await activeBookingCount(phone, policy);
      if (active >= props.verifiedFrom) throw verifiedNumberNeeded(active - 1);
    }
    seats = await claimSeats({ room: setting.room.code, slot, seatNumbers, code, walkIn: false, spread: true, hint });
    if (!seats) throw slotFull(await suggestAfter(setting, slot, { policy, now }));
    if (setting.rule.capacity != null) {
      place = await claimServicePlace({ room: setting.room.code, service: setting.service.key, slotStart: slot.start, capacity: setting.rule.capacity, code });
      if (place === null) throw slotFull(await suggestAfter(setting, slot, { policy, now }));
    }
    const created = await AppointmentModel.create({
      ...heldSlotFields(setting, slot, code, seats),
      serviceSeat: place,
      bookingToken: token,
      status: 'booked',
      name: props.name,
      phone,
      materialsConfirmed: true,
      ...talk,
      ...(talk.talkWith === 'leader' ? { serviceName: `${setting.service.name}（所领导·恳谈日）` } : {}),
      origin: props.origin ?? null,
      source: props.source ?? 'web',
      verified: props.verified ?? false,
    });
    return created.toObject() as Appointment;
  } catch (err) {
    if (seats) await releaseSeats(setting.room.code, seats, code).catch(() => undefined);
    await releaseServicePlace({ room: setting.room.code, service: setting.service.key, slotStart: slot.start, n: place, code }).catch(() => undefined);
    await releaseBookingToken({ phone, bookingToken: token, code }).catch(() => undefined);
    throw err;
  }
}

export interface CancelProps extends Clocked {
  code: string;
  /** Residents prove the booking with the mobile number; officers pass `officer` instead. */
  phone?: string;
  officer?: { id: string } | null;
}

export async function cancelAppointment(props: CancelProps): Promise<Appointment> {
  const byOfficer = Boolean(props.officer);
  const appt = byOfficer ? await findByCode(props.code) : await findForResident(props.code, props.phone ?? '');
  if (appt.status !== 'booked') throw conflict('该预约当前状态不能取消（Appointment cannot be cancelled now）', 'not_cancellable');
  if (!byOfficer && props.now.getTime() > cancelDeadline(appt, props.policy).getTime()) {
    throw conflict(`距预约开始不足 ${props.policy.cancelClosesMinutes} 分钟，已不能在线取消，请致电警务室（Too late to cancel online）`, 'cancel_closed');
  }
  const won = await claimTransition(appt, 'end', 'cancelled', byOfficer ? 'officer' : 'resident', { officer: props.officer?.id ?? null });
  if (!won) throw conflict('该预约已被取消或已办结（Appointment already closed）', 'already_closed');
  await AppointmentModel.updateOne({ _id: appt._id }, { $set: { status: 'cancelled', cancelledAt: props.now, cancelledBy: byOfficer ? 'officer' : 'resident' } });
  // The seats this booking holds (a concurrent reschedule checks for 'end' and frees its new ones).
  await releaseSeats(appt.room, (appt.seats ?? []) as HeldSeat[], appt.code);
  await releaseServicePlace({ room: appt.room, service: appt.service, slotStart: appt.start.getTime(), n: appt.serviceSeat, code: appt.code });
  await releaseBookingToken(appt);
  return reread(appt);
}

export interface RescheduleProps extends Clocked {
  code: string;
  phone: string;
  start: string | Date;
}

export async function rescheduleAppointment(props: RescheduleProps): Promise<Appointment> {
  const { policy, now } = props;
  const appt = await findForResident(props.code, props.phone);
  if (appt.status !== 'booked') throw conflict('该预约当前状态不能改约（Appointment cannot be rescheduled now）', 'not_reschedulable');
  if (now.getTime() > cancelDeadline(appt, policy).getTime()) {
    throw conflict(`距预约开始不足 ${policy.cancelClosesMinutes} 分钟，已不能在线改约，请致电警务室（Too late to reschedule online）`, 'cancel_closed');
  }
  const setting = await loadSetting(appt.room, appt.service, policy);
  const slot = await resolveSlot(setting, { start: props.start, policy, now });
  if (slot.start === appt.start.getTime()) throw badRequest('新时段与原时段相同（Same slot）', undefined, 'same_slot');

  const n = (appt.reschedules ?? 0) + 1;
  const won = await claimTransition(appt, `reschedule:${n}`, 'rescheduled', 'resident', { from: appt.start, to: new Date(slot.start) });
  if (!won) throw conflict('该预约正在被修改，请稍后重试（Appointment is being changed）', 'conflict');
  const eventFilter = { _id: eventId(appt.code, `reschedule:${n}`) };
  // New seat first: if it cannot be had, the old booking stands untouched.
  const seatNumbers = bookableSeatNumbers(setting.spec.capacity, setting.rule.walkInShare);
  const seats = await claimSeats({ room: appt.room, slot, seatNumbers, code: appt.code, walkIn: false, spread: true });
  if (!seats) {
    await AppointmentEventModel.deleteOne(eventFilter);
    throw slotFull(await suggestAfter(setting, slot, { policy, now }));
  }
  let place: number | null = null;
  if (setting.rule.capacity != null) {
    place = await claimServicePlace({ room: appt.room, service: appt.service, slotStart: slot.start, capacity: setting.rule.capacity, code: appt.code });
    if (place === null) {
      await releaseSeats(appt.room, seats, appt.code);
      await AppointmentEventModel.deleteOne(eventFilter);
      throw slotFull(await suggestAfter(setting, slot, { policy, now }));
    }
  }
  await AppointmentModel.updateOne(
    { _id: appt._id },
    { $set: { start: new Date(slot.start), end: new Date(slot.end), seats, serviceSeat: place, reschedules: n } },
  );
  await releaseSeats(appt.room, (appt.seats ?? []) as HeldSeat[], appt.code);
  await releaseServicePlace({ room: appt.room, service: appt.service, slotStart: appt.start.getTime(), n: appt.serviceSeat, code: appt.code });
  // A cancel that raced with us freed the seats it knew about; free the new ones too.
  if ((await endedAs(appt.code)) === 'cancelled') {
    await releaseSeats(appt.room, seats, appt.code);
    await releaseServicePlace({ room: appt.room, service: appt.service, slotStart: slot.start, n: place, code: appt.code });
  }
  return reread(appt);
}
