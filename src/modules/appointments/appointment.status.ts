import { roomByCode } from '../rooms';
import { DateTime } from 'luxon';
import { normalizeCode } from '../../lib/codes';
import { APPOINTMENT_STATUS_LABELS, AppointmentModel, type AppointmentStatus } from './appointment.model';
import { CLOSED_DAY_LABEL, closedDayReason } from './appointment.presenter';

const ZONE = 'Asia/Shanghai';

export interface AppointmentStatusFacts {
  code: string;
  status: AppointmentStatus;
  statusLabel: string;
  serviceName: string;
  place: string;
  /** e.g. 2026年12月3日（周四）09:00–09:30, in the room's zone. */
  when: string;
  start: Date;
  room: string;
  /** Cancelled by the room's closed day: why, for the resident (null otherwise). */
  closedDayReason: string | null;
}

/**
 * What anyone holding a Y… code may see: service, room, time, status. Never the name or mobile
 * number (anyone who saw the code could type it, e.g. in a group). Null when unknown.
 */
export async function appointmentStatusFacts(code: string, zone = ZONE): Promise<AppointmentStatusFacts | null> {
  const normalized = normalizeCode(code);
  if (!normalized || !normalized.startsWith('Y')) return null;
  const appt = await AppointmentModel.findById(normalized, { room: 1, serviceName: 1, start: 1, end: 1, status: 1, code: 1, cancelReason: 1, cancelNote: 1 }).lean();
  if (!appt) return null;
  const room = await roomByCode(appt.room, { fields: ['name', 'address'] });
  const start = DateTime.fromJSDate(appt.start, { zone });
  const end = DateTime.fromJSDate(appt.end, { zone });
  const status = appt.status as AppointmentStatus;
  const closedDay = status === 'cancelled' && appt.cancelReason === 'closed_day';
  return {
    code: appt.code,
    status,
    statusLabel: closedDay ? CLOSED_DAY_LABEL : (APPOINTMENT_STATUS_LABELS[status] ?? appt.status),
    room: appt.room,
    /** Cancelled by the room's closed day: why, for the resident (null otherwise). */
    closedDayReason: closedDay ? closedDayReason(appt.cancelNote) : null,
    serviceName: appt.serviceName,
    place: room ? `${room.name}（${room.address}）` : appt.room,
    when: `${start.toFormat('yyyy年M月d日')}（${WEEKDAYS[start.weekday]}）${start.toFormat('HH:mm')}–${end.toFormat('HH:mm')}`,
    start: appt.start,
  };
}

/** The same facts as chat text (for the conversation's status flow). */
export async function appointmentStatusText(code: string, zone = ZONE): Promise<string | null> {
  const f = await appointmentStatusFacts(code, zone);
  if (!f) return null;
  const lines = [`预约 ${f.code}`, `事项：${f.serviceName}`, `地点：${f.place}`, `时间：${f.when}`, `状态：${f.statusLabel}`];
  if (f.status === 'booked') lines.push('如需取消或改约，请发送“取消预约”或“改约”，并提供预约号和预约手机号。');
  return lines.join('\n');
}

export const WEEKDAYS = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];
