import { RoomScheduleModel } from '../../src/modules/appointments/schedule.model';
import { invalidateScheduleCache } from '../../src/modules/appointments/schedule.service';

export const ZONE = 'Asia/Shanghai';

/** A schedule for tests: Mon–Sat 09:00–12:00 and 13:00–17:00, configurable capacity and share. */
export async function setSchedule(
  room: string,
  opts: { capacity?: number; walkInShare?: number; slotMinutes?: number; bookingOpensDays?: number; bookingClosesMinutes?: number; services?: unknown[] } = {},
): Promise<void> {
  const weekly = [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, open: '09:00', close: '17:00', breakStart: '12:00', breakEnd: '13:00' }));
  await RoomScheduleModel.replaceOne(
    { room },
    {
      room,
      slotMinutes: opts.slotMinutes ?? 30,
      capacity: opts.capacity ?? 4,
      walkInShare: opts.walkInShare ?? 0,
      bookingOpensDays: opts.bookingOpensDays ?? 45,
      bookingClosesMinutes: opts.bookingClosesMinutes ?? 60,
      weekly,
      services: opts.services ?? [],
    },
    { upsert: true },
  );
  invalidateScheduleCache();
}

/** Distinct valid mobile numbers. */
export const mobile = (i: number) => `139${String(10_000_000 + i).slice(-8)}`;

