import { DateTime } from 'luxon';

/**
 * The calendar file of a booking. It carries only what the code alone may reveal: service,
 * time and the room (name, address, phone) — never the resident's name or mobile number — so
 * GET /api/appointments/:code.ics needs only the code (8 random characters, ~2.7e10 values).
 * Times are written in UTC (DTSTART:…Z), which every calendar converts to local time.
 * `ics` (and the validator it brings) is loaded on the first download, not at start-up.
 */
export async function appointmentIcs(props: {
  code: string;
  serviceName: string;
  start: Date;
  end: Date;
  room: { name: string; address: string; phone?: string | null };
  publicUrl: string;
  status: string;
}): Promise<string> {
  const toArray = (d: Date): [number, number, number, number, number] => {
    const t = DateTime.fromJSDate(d, { zone: 'utc' });
    return [t.year, t.month, t.day, t.hour, t.minute];
  };
  const { createEvent } = await import('ics');
  const { error, value } = createEvent({
    uid: `${props.code}@police-room`,
    productId: 'police-room/appointments',
    title: `${props.serviceName}（预约号 ${props.code}）`,
    description: `预约号：${props.code}\n地点：${props.room.name}\n${props.room.phone ? `电话：${props.room.phone}\n` : ''}取消或改约：${props.publicUrl}/book/`,
    location: `${props.room.name}，${props.room.address}`,
    start: toArray(props.start),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: toArray(props.end),
    endInputType: 'utc',
    endOutputType: 'utc',
    status: props.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
    alarms: [{ action: 'display', description: '警务室预约提醒', trigger: { hours: 1, before: true } }],
  });
  if (error || !value) throw error ?? new Error('ics generation failed');
  return value;
}
