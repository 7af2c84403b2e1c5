export { accessibleRoomCodes, canAccessRoom, roomFilter } from './access';
export type { SessionOfficer } from './auth.types';
