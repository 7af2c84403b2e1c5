import { ROOM_TYPE_LABELS, type Room, type RoomType } from './room.model';

export interface RoomOfficerView {
  name: string;
  badge?: string | null;
}

/** The public view of a room: what a resident may see. */
export function presentRoom(room: Room, officers: RoomOfficerView[] = []) {
  return {
    code: room.code,
    name: room.name,
    type: room.type,
    typeLabel: ROOM_TYPE_LABELS[room.type as RoomType],
    district: room.district,
    districtName: room.districtName,
    address: room.address,
    phone: room.phone,
    areas: room.areas,
    hoursText: room.hoursText,
    openingHours: room.openingHours.map((p) => ({
      weekday: p.weekday,
      open: p.open,
      close: p.close,
      breakStart: p.breakStart ?? null,
      breakEnd: p.breakEnd ?? null,
    })),
    description: room.description,
    officers: officers.map((o) => ({ name: o.name, badge: o.badge ?? null })),
  };
}
