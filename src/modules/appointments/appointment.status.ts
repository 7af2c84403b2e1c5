import { DateTime } from 'luxon';
import { normalizeCode } from '../../lib/codes';
import { RoomModel } from '../rooms/room.model';
import { APPOINTMENT_STATUS_LABELS, AppointmentModel, type AppointmentStatus } from './appointment.model';

const ZONE = 'Asia/Shanghai';

/**
 * What a resident who typed a Y… code sees: service, room, time, status. Never the name or
 * mobile number (anyone who saw the code could type it, e.g. in a group). Null when unknown.
 */
export async function appointmentStatusText(code: string, zone = ZONE): Promise<string | null> {
  const normalized = normalizeCode(code);
  if (!normalized || !normalized.startsWith('Y')) return null;
  const appt = await AppointmentModel.findById(normalized, { room: 1, serviceName: 1, start: 1, end: 1, status: 1, code: 1 }).lean();
  if (!appt) return null;
  const room = await RoomModel.findOne({ code: appt.room }, { name: 1, address: 1 }).lean();
  const start = DateTime.fromJSDate(appt.start, { zone });
  const end = DateTime.fromJSDate(appt.end, { zone });
  const when = `${start.toFormat('yyyy年M月d日')}（${WEEKDAYS[start.weekday]}）${start.toFormat('HH:mm')}–${end.toFormat('HH:mm')}`;
  const lines = [
    `预约 ${appt.code}`,
    `事项：${appt.serviceName}`,
    `地点：${room ? `${room.name}（${room.address}）` : appt.room}`,
    `时间：${when}`,
    `状态：${APPOINTMENT_STATUS_LABELS[appt.status as AppointmentStatus] ?? appt.status}`,
  ];
  if (appt.status === 'booked') lines.push('如需取消或改约，请发送“取消预约”或“改约”，并提供预约号和预约手机号。');
  return lines.join('\n');
}

export const WEEKDAYS = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];
