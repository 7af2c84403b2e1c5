import { DateTime } from 'luxon';
import { conflict, forbidden } from '../../lib/errors';
import { claimFirstFree } from '../../storage/unique-insert';
import { ACTIVE_STATUSES, AppointmentModel, BookingTokenModel, NoShowModel, tokenId } from './appointment.model';
import type { AppointmentPolicy } from './appointment.policy';

/** The limits on one mobile number: active bookings at once, and a block after repeated no-shows. */

/** A booking token younger than this may belong to a booking still being written. */
const IN_FLIGHT_MS = 2 * 60_000;

/**
 * Per-mobile cap. Active bookings hold a token {phone, n}, n in 1..N (unique), so even N+1
 * concurrent bookings from one number cannot all pass: at most N inserts succeed. Tokens of
 * bookings that ended (cancelled, completed, no-show, slot long past) are cleaned up here
 * first, since a past "booked" appointment an officer never closed must not block the resident.
 */
export async function claimBookingToken(phone: string, code: string, policy: AppointmentPolicy, now: Date): Promise<number> {
  const numbers = Array.from({ length: policy.maxActivePerPhone }, (_, i) => i + 1);
  const claim = () => claimFirstFree(BookingTokenModel, numbers, (n) => ({ _id: tokenId(phone, n), phone, n, code }), { spread: false });
  let won = await claim();
  if (!won && (await releaseStaleTokens(phone, numbers, now)) > 0) won = await claim();
  if (!won) {
    throw conflict(
      `该手机号已有 ${policy.maxActivePerPhone} 个未完成的预约，请先办理或取消后再预约（Too many active bookings）`,
      'too_many_active_bookings',
    );
  }
  return won.candidate;
}

/** Deletes the phone's tokens whose booking is over; returns how many. Primary-key reads only. */
async function releaseStaleTokens(phone: string, numbers: number[], now: Date): Promise<number> {
  const tokens = (await Promise.all(numbers.map((n) => BookingTokenModel.findById(tokenId(phone, n)).lean()))).filter((t) => t !== null);
  let released = 0;
  for (const t of tokens) {
    const a = await AppointmentModel.findById(t.code, { status: 1, end: 1 }).lean();
    const stale = a
      ? !ACTIVE_STATUSES.includes(a.status as never) || a.end.getTime() < now.getTime()
      : now.getTime() - new Date(t.createdAt).getTime() > IN_FLIGHT_MS;
    if (stale) {
      const res = await BookingTokenModel.deleteOne({ _id: t._id, code: t.code });
      released += res.deletedCount;
    }
  }
  return released;
}

export async function releaseBookingToken(appt: { phone?: string | null; bookingToken?: number | null; code: string }): Promise<void> {
  if (!appt.phone || !appt.bookingToken) return;
  await BookingTokenModel.deleteOne({ _id: tokenId(appt.phone, appt.bookingToken), code: appt.code });
}

/** Three no-shows (configurable) within six months block online booking for a while. */
export async function assertNotBlocked(phone: string, policy: AppointmentPolicy, now: Date): Promise<void> {
  if (policy.noShowBlockDays === 0) return;
  const since = new Date(now.getTime() - policy.noShowWindowDays * 86_400_000);
  const noShows = await NoShowModel.find({ phone, at: { $gte: since } }, { at: 1 }).sort({ at: -1 }).lean();
  if (noShows.length < policy.noShowLimit) return;
  const until = DateTime.fromJSDate(noShows[0].at, { zone: policy.zone }).plus({ days: policy.noShowBlockDays });
  if (until.toMillis() > now.getTime()) {
    throw forbidden(
      `该手机号近期多次预约未到，${until.toFormat('yyyy年M月d日')}前暂停网上预约，可直接到警务室现场办理（Booking blocked after repeated no-shows）`,
      'booking_blocked',
      { until: until.toISO() },
    );
  }
}

/** How many active-booking tokens the number holds (primary-key reads only): "has this number bookings?". */
export async function activeBookingCount(phone: string, policy: AppointmentPolicy): Promise<number> {
  const numbers = Array.from({ length: policy.maxActivePerPhone }, (_, i) => i + 1);
  const tokens = await Promise.all(numbers.map((n) => BookingTokenModel.exists({ _id: tokenId(phone, n) })));
  return tokens.filter(Boolean).length;
}
