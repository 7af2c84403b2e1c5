/**
 * Appointments: schedules, slots, seats, booking, the officers' day, reminders' query.
 *
 * Design notes (see appointment.model.ts for the documents):
 * - Capacity: a booking holds one Seat document per base slot it covers; seats are unique
 *   inserts (`_id` = room|slotStartMs|seat), cancel deletes them, remaining = k − seats held.
 *   Walk-in seats are the top seat numbers; only the officers' walk-in entry takes them.
 * - Per-mobile cap: an active booking holds a BookingToken `_id` = phone|n, n in 1..N, taken
 *   before the seat. N+1 concurrent bookings from one number cannot all succeed (only N
 *   inserts can). Tokens of bookings that ended, or whose slot is over, are cleaned up when the
 *   cap is hit, so a booking an officer never closed does not block the resident for ever.
 * - .ics: `GET /api/appointments/:code.ics` needs only the code. The file carries the service,
 *   the time and the room — never the name or mobile number — and the code is 7 random
 *   characters from a 31-letter alphabet (~2.75e10 values). Looking up, cancelling and
 *   rescheduling need the mobile number as well.
 * - On FerretDB 1.24 every query other than `_id` equality scans its collection, so the hot
 *   path reads and writes by `_id` only; past seats are purged (the appointment keeps a copy).
 */
export { appointmentStatusFacts, appointmentStatusText, WEEKDAYS } from './appointment.status';
export { listSlots, daysWithFreeSlots, type SlotView } from './availability';
export { bookAppointment, cancelAppointment, rescheduleAppointment } from './booking.service';
export { cancelForClosedDay, closedDayCancellations, recordCancellationNotice } from './closures';
export { findForResident } from './appointment.records';
export { activeBookingCount } from './booking-limits';
export { parseDayWords, parseTimeWords } from './day-words';
export { maskMobile, normalizeMobile } from './phone';
export { isoWeekday } from './slots';
export { onAppointmentCompleted, type AppointmentCompletedEvent } from './appointment.events';
export { appointmentsStartingBetween, countBookedBetween, type DueAppointment, remindableStartsBetween } from './reminders';
export { confirmationText, formatSlot } from './appointment.messages';
export { appointmentPolicy, type AppointmentPolicy } from './appointment.policy';
export { seedHolidayCalendar } from './schedule.service';
export { countRoomSchedules } from './schedule.service';
export { appointmentIcs } from './appointment.ics';
export type { Appointment } from './appointment.model';
export { presentForOfficer, presentForResident } from './appointment.presenter';
export { findByCode } from './appointment.records';
export { addAppointmentNote, checkInAppointment, completeAppointment, markNoShow, registerWalkIn, roomDay } from './officer-day.service';
export { deleteCalendarEntry, findCalendarEntry, listCalendar, loadCalendar, loadScheduleSpec, putCalendarEntry, saveSchedule } from './schedule.service';
export { isoLocal } from './slots';
export { appointmentEndings, appointmentFacts, createAppointmentTimeIndexes } from './appointment.facts';
