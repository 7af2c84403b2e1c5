import { roomsByCodes } from '../rooms';
import type { ChannelName } from '../../lib/channel-names';
import { AppointmentModel, type Appointment } from './appointment.model';
import type { ReplyOrigin } from './booking-context';

/** The reminder query: booked appointments about to start, with where to remind the resident. */

export interface DueAppointment {
  id: string;
  code: string;
  room: string;
  roomName: string;
  roomAddress: string;
  service: string;
  serviceName: string;
  start: Date;
  end: Date;
  /** The resident's reply address when booked from a channel (private chats only), else null. */
  replyTo: ReplyOrigin | null;
  /**
   * Booked on the web (the booking page, or the web chat) with a mobile number: the number to
   * text a reminder to (when SMS is on), else null. A web resident rarely has the page open when
   * a reminder is due; WeChat bookers get theirs in WeChat.
   */
  smsPhone: string | null;
}

/** Booked (not cancelled, not yet checked in) appointments starting in [from, to): for reminder jobs. */
export async function appointmentsStartingBetween(from: Date, to: Date): Promise<DueAppointment[]> {
  const appts = await AppointmentModel.find({ status: 'booked', start: { $gte: from, $lt: to } }).sort({ start: 1 }).lean<Appointment[]>();
  const rooms = await roomsByCodes([...new Set(appts.map((a) => a.room))], { fields: ['code', 'name', 'address'] });
  return appts.map((a) => {
    const room = rooms.find((r) => r.code === a.room);
    const origin = a.origin && !a.origin.isGroup ? a.origin : null;
    return {
      id: String(a._id),
      code: a.code,
      room: a.room,
      roomName: room?.name ?? a.room,
      roomAddress: room?.address ?? '',
      service: a.service,
      serviceName: a.serviceName,
      start: a.start,
      end: a.end,
      smsPhone: a.phone && (origin ? origin.channel === 'web' : a.source === 'web') ? a.phone : null,
      replyTo: origin ? { channel: origin.channel as ChannelName, conversationId: origin.conversationId, isGroup: false, account: origin.account ?? undefined } : null,
    };
  });
}

/**
 * The start times of booked appointments in [from, to) that a reminder can reach (a private
 * chat, or booked on the web page): lets a reminder job skip runs with nobody to remind.
 */
export async function remindableStartsBetween(from: Date, to: Date): Promise<Date[]> {
  const appts = await AppointmentModel.find({ status: 'booked', start: { $gte: from, $lt: to }, $or: [{ 'origin.isGroup': false }, { source: 'web' }] }, { start: 1 }).lean<Pick<Appointment, 'start'>[]>();
  return appts.map((a) => a.start);
}

/** How many booked appointments these rooms have in [from, to) (the officers' daily digest). */
export async function countBookedBetween(rooms: readonly string[], from: Date, to: Date): Promise<number> {
  return AppointmentModel.countDocuments({ room: { $in: rooms }, status: 'booked', start: { $gte: from, $lt: to } });
}
