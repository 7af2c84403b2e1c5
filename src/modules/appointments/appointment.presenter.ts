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

export const CLOSED_DAY_LABEL = '因闭馆日取消';

/** Why a closed day cancelled the booking, for the resident. */
export function closedDayReason(note: string | null | undefined): string {
  return `警务室当天${note ? `因“${note}”` : ''}暂停办公，预约已由警务室取消，不影响您以后预约。请重新预约其他时段。`;
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
  const closedDay = appt.status === 'cancelled' && appt.cancelReason === 'closed_day';
  return {
    code: appt.code,
    room: roomView(room, appt.room),
    service: appt.service,
    serviceName: appt.serviceName,
    start: iso(appt.start, policy.zone),
    end: iso(appt.end, policy.zone),
    status: appt.status,
    statusText: closedDay ? CLOSED_DAY_LABEL : APPOINTMENT_STATUS_LABELS[appt.status as AppointmentStatus],
    /** A booking the room's closed day cancelled: why, in the room's words, and where to book again. */
    cancelReason: closedDay ? ('closed_day' as const) : null,
    cancelReasonText: closedDay ? closedDayReason(appt.cancelNote) : null,
    rebookUrl: closedDay ? `/book/?room=${encodeURIComponent(appt.room)}` : null,
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
    cancelReason: appt.cancelReason ?? null,
    cancelNotice: appt.cancelNotice ?? null,
    notes: notes.map((n) => ({ text: n.text, officerName: n.officerName ?? null, createdAt: iso(n.createdAt, zone) })),
  };
}
