export { OFFICER_ROLES, OFFICER_ROLE_LABELS, OfficerModel, type Officer, type OfficerRole } from './officer.model';
export { presentOfficer } from './officer.presenter';
export {
  assignRoomOfficers,
  createOfficer,
  listOfficers,
  resetOfficerPassword,
  roomMembers,
  unlockOfficer,
  updateOfficer,
  type OfficerCreateReq,
  type OfficerListReq,
  type OfficerUpdateReq,
} from './officer.service';
