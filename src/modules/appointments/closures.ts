import { DateTime } from 'luxon';
import { DomainError } from '../../lib/errors';
import { AppointmentModel, type Appointment } from './appointment.model';
import type { AppointmentPolicy } from './appointment.policy';
import { loadRoom } from './booking-context';
import { cancelAppointment } from './booking.service';
import { loadCalendar, loadScheduleSpec } from './schedule.service';
import { planDay } from './slots';

/**
 * When a room closes a day (or part of one) that already has bookings: each booking that no
 * longer falls inside the day's opening hours is cancelled by the officer who closed it (seats
 * and the number's booking token freed, as any officer's cancel). Returns the bookings this
 * call cancelled; one cancelled concurrently by someone else is not returned twice (the
 * cancel is a unique transition), so whoever notifies the residents notifies each once.
 */
export async function cancelForClosedDay(props: { scope: string; date: string; officer: { id: string }; policy: AppointmentPolicy; now: Date; reason?: string | null }): Promise<Appointment[]> {
  const { policy } = props;
  const dayStart = DateTime.fromISO(props.date, { zone: policy.zone }).startOf('day');
  const filter: Record<string, unknown> = { start: { $gte: dayStart.toJSDate(), $lt: dayStart.plus({ days: 1 }).toJSDate() }, status: 'booked' };
  if (props.scope !== '*') filter.room = props.scope;
  const booked = await AppointmentModel.find(filter).lean<Appointment[]>();
  const cancelled: Appointment[] = [];
  const plans = new Map<string, ReturnType<typeof planDay>>();
  for (const appt of booked) {
    let plan = plans.get(appt.room);
    if (!plan) {
      const room = await loadRoom(appt.room);
      plan = planDay(props.date, room.code, await loadScheduleSpec(room, policy), await loadCalendar(room.code, props.date, props.date));
      plans.set(appt.room, plan);
    }
    const from = minutesOfDay(appt.start, policy.zone);
    const to = from + Math.round((appt.end.getTime() - appt.start.getTime()) / 60_000);
    if (plan.open && plan.intervals.some(([a, b]) => a <= from && to <= b)) continue;
    try {
      const done = await cancelAppointment({ code: appt.code, officer: props.officer, policy, now: props.now });
      // Only the cancel's winner gets here, so this write races with nobody.
      const why = { cancelReason: 'closed_day' as const, cancelNote: props.reason ?? null };
      await AppointmentModel.updateOne({ _id: done._id }, { $set: why });
      cancelled.push({ ...done, ...why });
    } catch (err) {
      // Cancelled or closed meanwhile (the resident, another officer, another instance): not ours to report.
      if (!(err instanceof DomainError) || err.kind !== 'conflict') throw err;
    }
  }
  return cancelled;
}

function minutesOfDay(at: Date, zone: string): number {
  const t = DateTime.fromJSDate(at, { zone });
  return t.hour * 60 + t.minute;
}

/** Records how the resident of a closed-day cancel was told (`none`: the officers are to call them). */
export async function recordCancellationNotice(code: string, told: { chat: boolean; sms: boolean }): Promise<void> {
  const notice = told.chat && told.sms ? 'chat_sms' : told.chat ? 'chat' : told.sms ? 'sms' : 'none';
  await AppointmentModel.updateOne({ _id: code }, { $set: { cancelNotice: notice } });
}

/** A room's bookings of one day that a closed day cancelled, with how each resident was told (for the officers' day page). */
export async function closedDayCancellations(props: { room: string; date: string; policy: AppointmentPolicy }): Promise<Appointment[]> {
  const dayStart = DateTime.fromISO(props.date, { zone: props.policy.zone }).startOf('day');
  const found = await AppointmentModel.find({ room: props.room, start: { $gte: dayStart.toJSDate(), $lt: dayStart.plus({ days: 1 }).toJSDate() }, status: 'cancelled' }).sort({ start: 1 }).lean<Appointment[]>();
  return found.filter((a) => a.cancelReason === 'closed_day');
}
