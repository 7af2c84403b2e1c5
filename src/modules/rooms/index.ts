/** Police rooms: read them here (other modules never query the Room model themselves). */
export { findRoom, listRooms, roomByCode, roomCodesOfDistrict, roomExists, roomOfficers, roomsByCodes } from './room.service';
export { presentRoom, type RoomOfficerView } from './room.presenter';
export { ROOM_READ_PREFIX, ROOM_TYPE_LABELS, type Room, type RoomType } from './room.model';
