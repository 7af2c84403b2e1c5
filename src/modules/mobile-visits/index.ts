/** The mobile-visits module's front door: what other code may use. */
export type { MobileVisit } from './mobile-visit.model';
export { noticeAt } from './mobile-visit.plan';
export { cancelVisit, createVisit, findVisit, listVisits, visitNoticeText, visitRecipients, visitsStartingBetween } from './mobile-visit.service';
