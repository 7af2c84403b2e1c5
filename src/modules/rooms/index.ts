/** Police rooms: read them here (other modules never query the Room model themselves). */
export { createRoom, findRoom, listRooms, noRoomsYet, roomByCode, roomCodesOfDistrict, roomExists, roomsByCodes, updateRoom } from './room.service';
export { presentRoom, type RoomOfficerView } from './room.presenter';
export { ROOM_READ_PREFIX, ROOM_TYPE_LABELS, ROOM_TYPES, type Room, type RoomType } from './room.model';
