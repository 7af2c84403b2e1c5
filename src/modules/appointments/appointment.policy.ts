import type { Config } from '../../config';

/** The appointment rules that come from configuration (per-room schedules override the slot defaults). */
export interface AppointmentPolicy {
  zone: string;
  publicUrl: string;
  defaultSlotMinutes: number;
  defaultCapacity: number;
  defaultWalkInShare: number;
  bookingOpensDays: number;
  bookingClosesMinutes: number;
  cancelClosesMinutes: number;
  maxActivePerPhone: number;
  noShowLimit: number;
  noShowWindowDays: number;
  noShowBlockDays: number;
}

export function appointmentPolicy(config: Config): AppointmentPolicy {
  return {
    zone: config.APP_TIMEZONE,
    publicUrl: config.PUBLIC_URL.replace(/\/$/, ''),
    defaultSlotMinutes: config.APPOINTMENT_SLOT_MINUTES,
    defaultCapacity: config.APPOINTMENT_SLOT_CAPACITY,
    defaultWalkInShare: config.APPOINTMENT_WALKIN_SHARE,
    bookingOpensDays: config.APPOINTMENT_BOOKING_OPENS_DAYS,
    bookingClosesMinutes: config.APPOINTMENT_BOOKING_CLOSES_MINUTES,
    cancelClosesMinutes: config.APPOINTMENT_CANCEL_CLOSES_MINUTES,
    maxActivePerPhone: config.APPOINTMENT_MAX_ACTIVE_PER_PHONE,
    noShowLimit: config.APPOINTMENT_NOSHOW_LIMIT,
    noShowWindowDays: config.APPOINTMENT_NOSHOW_WINDOW_DAYS,
    noShowBlockDays: config.APPOINTMENT_NOSHOW_BLOCK_DAYS,
  };
}
