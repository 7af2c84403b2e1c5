/** The four volunteer teams (信息员、专管员、调解员、安全员): least-privilege accounts tied to one room. */
export { VOLUNTEER_TEAMS } from './volunteer.model';
export {
  addMediatorNote,
  assignDispute,
  createVolunteer,
  disputeForMediator,
  findVolunteer,
  listVolunteers,
  mediatorDisputes,
  ownTips,
  roomNotices,
  submitVolunteerTip,
  volunteerHome,
  volunteerMonth,
  volunteerOf,
} from './volunteer.service';
