/** The four volunteer teams (信息员、专管员、调解员、安全员): least-privilege accounts tied to one room. */
export { VOLUNTEER_TEAMS } from './volunteer.model';
export { createVolunteer, findVolunteer, listVolunteers, resetVolunteerSignIn, updateVolunteer, volunteerPhone } from './volunteer-accounts.service';
export {
  addMediatorNote,
  assignDispute,
  deliverRoomNotice,
  disputeForMediator,
  mediatorDisputes,
  ownTips,
  roomNotices,
  submitVolunteerTip,
  volunteerHome,
  volunteerOf,
} from './volunteer.service';
export { type VolunteerMonthRow, type VolunteerTeamsRow, volunteersOfMonth } from './volunteer-month';
