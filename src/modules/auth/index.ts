export { authenticate, requireOfficer, currentOfficer } from './middleware';
export { accessibleRoomCodes, canAccessRoom, roomFilter, assertRoomAccess, assertRole } from './access';
export type { SessionOfficer } from './auth.types';
export { authRouter } from './auth.routes';
