import { DateTime } from 'luxon';
import { WEEKDAYS } from './appointment.status';

/** Texts residents receive about a booking. Name and mobile number never appear in them. */

export interface MessageAppointment {
  code: string;
  serviceName: string;
  start: Date;
  end: Date;
}

export interface MessageRoom {
  name: string;
  address: string;
  phone?: string | null;
}

export function formatSlot(start: Date, end: Date, zone: string): string {
  const s = DateTime.fromJSDate(start, { zone });
  const e = DateTime.fromJSDate(end, { zone });
  return `${s.toFormat('yyyy年M月d日')}（${WEEKDAYS[s.weekday]}）${s.toFormat('HH:mm')}–${e.toFormat('HH:mm')}`;
}

export function confirmationText(props: {
  appointment: MessageAppointment;
  room: MessageRoom;
  materials: string[];
  zone: string;
  cancelClosesMinutes: number;
  publicUrl: string;
}): string {
  const { appointment: a, room } = props;
  const lines = [
    `预约成功！预约号：${a.code}`,
    `事项：${a.serviceName}`,
    `时间：${formatSlot(a.start, a.end, props.zone)}`,
    `地点：${room.name}，${room.address}`,
  ];
  if (room.phone) lines.push(`电话：${room.phone}`);
  if (props.materials.length > 0) {
    lines.push('请携带：');
    props.materials.forEach((m, i) => lines.push(`${i + 1}. ${m}`));
  }
  lines.push(
    `如需取消或改约，请在预约开始 ${hoursText(props.cancelClosesMinutes)}前发送“取消预约 ${a.code}”或“改约 ${a.code}”，并提供预约手机号；也可在 ${props.publicUrl}/book/ 办理。`,
    '请妥善保存预约号。',
  );
  return lines.join('\n');
}

function hoursText(minutes: number): string {
  if (minutes % 60 === 0) return `${minutes / 60} 小时`;
  return `${minutes} 分钟`;
}
