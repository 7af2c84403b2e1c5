import { notFound } from '../../lib/errors';
import { normalizeCode } from '../../lib/codes';
import { insertUnique } from '../../storage/unique-insert';
import { AppointmentEventModel, AppointmentModel, eventId, type Appointment } from './appointment.model';
import type { AppointmentPolicy } from './appointment.policy';
import { normalizeMobile } from './phone';

/**
 * Finding an appointment (by the resident with code + mobile, by officers with the code) and
 * recording its transitions. A transition is an event inserted under a unique key
 * (`end`, `checked_in`, `reschedule:n`), so two concurrent changes cannot both win.
 */

/** The appointment a resident asks about: the code and the mobile number must both match (else 404, saying nothing). */
export async function findForResident(codeInput: string, phoneInput: string): Promise<Appointment> {
  const code = normalizeCode(codeInput);
  const phone = normalizeMobile(phoneInput ?? '');
  const notThere = notFound('未找到该预约，请核对预约号和手机号（Appointment not found）', 'appointment_not_found');
  if (!code || !code.startsWith('Y') || !phone) throw notThere;
  const appt = await AppointmentModel.findById(code).lean<Appointment>();
  if (!appt || appt.phone !== phone) throw notThere;
  return appt;
}

export async function findByCode(codeInput: string): Promise<Appointment> {
  const code = normalizeCode(codeInput);
  const appt = code ? await AppointmentModel.findById(code).lean<Appointment>() : null;
  if (!appt) throw notFound('未找到该预约（Appointment not found）', 'appointment_not_found');
  return appt;
}

export function cancelDeadline(appt: Pick<Appointment, 'start'>, policy: AppointmentPolicy): Date {
  return new Date(appt.start.getTime() - policy.cancelClosesMinutes * 60_000);
}

export async function claimTransition(appt: Appointment, key: string, type: string, by: 'resident' | 'officer' | 'system', extra: Record<string, unknown> = {}): Promise<boolean> {
  const { won } = await insertUnique(AppointmentEventModel, { _id: eventId(appt.code, key), appointment: appt.code, key, type, by, ...extra });
  return won;
}

/** The type of the appointment's terminal event (cancelled / completed / no_show), or null. */
export async function endedAs(code: string): Promise<string | null> {
  const ev = await AppointmentEventModel.findById(eventId(code, 'end'), { type: 1 }).lean();
  return ev ? ev.type : null;
}

export async function reread(appt: Appointment): Promise<Appointment> {
  return (await AppointmentModel.findById(appt._id).lean<Appointment>()) as Appointment;
}
