/**
 * 约访 (talk_with_officer): residents book a conversation with their room's officer, or a leader
 * on the monthly talk day, through the appointments engine; officers turn what was said into an
 * item (转为事项) the resident follows by its code.
 */
export { bookVisit, leaderDays, rescheduleVisit, turnVisitIntoItem, upcomingLeaderDays, visitItemCodes } from './visit.service';
