import { DateTime } from 'luxon';
import { type Room } from '../rooms';
import { APPOINTMENT_STATUS_LABELS, type Appointment, type AppointmentStatus } from './appointment.model';
import type { AppointmentPolicy } from './appointment.policy';
import { cancelDeadline } from './appointment.records';
import { maskMobile } from './phone';

const iso = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone }).toISO({ suppressMilliseconds: true });

function roomView(room: Pick<Room, 'code' | 'name' | 'address' | 'phone'> | null, code: string) {
  return room ? { code: room.code, name: room.name, address: room.address, phone: room.phone } : { code, name: code, address: '', phone: '' };
}

/** What the resident who proved code + mobile sees (mobile masked: they typed it). */
export function presentForResident(
  appt: Appointment,
  room: Pick<Room, 'code' | 'name' | 'address' | 'phone'> | null,
  policy: AppointmentPolicy,
  now: Date,
  materials: string[] = [],
) {
  const deadline = cancelDeadline(appt, policy);
  return {
    code: appt.code,
    room: roomView(room, appt.room),
    service: appt.service,
    serviceName: appt.serviceName,
    start: iso(appt.start, policy.zone),
    end: iso(appt.end, policy.zone),
    status: appt.status,
    statusText: APPOINTMENT_STATUS_LABELS[appt.status as AppointmentStatus],
    name: appt.name ?? null,
    phone: maskMobile(appt.phone),
    materials,
    topic: appt.topic ?? null,
    talkWith: appt.talkWith ?? null,
    cancelUntil: iso(deadline, policy.zone),
    canCancel: appt.status === 'booked' && now.getTime() <= deadline.getTime(),
    icsUrl: `/api/appointments/${appt.code}.ics`,
  };
}

export interface NoteView {
  text: string;
  officerName?: string | null;
  createdAt: Date;
}

/** What the room's officers see in the day view. */
export function presentForOfficer(appt: Appointment, zone: string, notes: NoteView[] = []) {
  return {
    code: appt.code,
    room: appt.room,
    service: appt.service,
    serviceName: appt.serviceName,
    start: iso(appt.start, zone),
    end: iso(appt.end, zone),
    status: appt.status,
    statusText: APPOINTMENT_STATUS_LABELS[appt.status as AppointmentStatus],
    walkIn: appt.walkIn ?? false,
    source: appt.source ?? 'web',
    name: appt.name ?? null,
    phone: appt.phone ?? null,
    materialsConfirmed: appt.materialsConfirmed ?? false,
    verified: appt.verified ?? false,
    topic: appt.topic ?? null,
    talkWith: appt.talkWith ?? null,
    checkedInAt: appt.checkedInAt ? iso(appt.checkedInAt, zone) : null,
    completedAt: appt.completedAt ? iso(appt.completedAt, zone) : null,
    noShowAt: appt.noShowAt ? iso(appt.noShowAt, zone) : null,
    cancelledAt: appt.cancelledAt ? iso(appt.cancelledAt, zone) : null,
    notes: notes.map((n) => ({ text: n.text, officerName: n.officerName ?? null, createdAt: iso(n.createdAt, zone) })),
  };
}
