import mongoose from 'mongoose';
import { accessibleRoomCodes, canAccessRoom, roomFilter } from '../../src/modules/officers/access';
import { RoomModel } from '../../src/modules/rooms/room.model';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * Who may see which room (src/modules/officers/access.ts), on real rooms in a real database:
 * an officer only their own rooms, a supervisor every room of their district and no other,
 * an admin everything, a volunteer no officer's room scope at all. The filter it builds is
 * run as a query, so what is checked is which records an officer actually gets back.
 * (The HTTP-level matrix over every endpoint is test/security/access-matrix.test.ts.)
 */

let db: TestDatabase;
const room = (code: string, district: string) => ({
  code, name: `${code}警务室`, type: 'urban' as const, district, districtName: `${district}区`, address: '某路1号', phone: '0000', hoursText: '周一至周五',
});
// A collection of records that belong to rooms, read through the officer's filter.
const Thing = mongoose.model('RoomScopeThing', new mongoose.Schema({ _id: String, room: String, place: String }));

beforeAll(async () => {
  db = await startTestDatabase();
  await RoomModel.create([room('HPL', 'south'), room('LSC', 'south'), room('QT1', 'north'), room('QT2', 'north')]);
  await Thing.create([
    { _id: 'a', room: 'HPL', place: 'HPL' }, { _id: 'b', room: 'LSC', place: 'LSC' },
    { _id: 'c', room: 'QT1', place: 'QT1' }, { _id: 'd', room: 'QT2', place: 'QT2' },
  ]);
});
afterAll(() => db?.stop());

const officer = { role: 'officer' as const, rooms: ['HPL'], district: 'south' };
const twoRooms = { role: 'officer' as const, rooms: ['HPL', 'QT1'], district: null };
const supervisor = { role: 'supervisor' as const, rooms: [], district: 'north' };
const supervisorWithoutDistrict = { role: 'supervisor' as const, rooms: ['HPL'], district: null };
const admin = { role: 'admin' as const, rooms: [], district: null };
const volunteer = { role: 'volunteer' as const, rooms: ['HPL'], district: 'south' };

const ids = async (filter: Record<string, unknown>) => (await Thing.find(filter).sort({ _id: 1 }).lean()).map((t) => t._id);

describe('which rooms an officer may see', () => {
  it('an officer sees their own rooms only, whatever their district holds', async () => {
    expect(await accessibleRoomCodes(officer)).toEqual(['HPL']);
    expect(await canAccessRoom(officer, 'HPL')).toBe(true);
    expect(await canAccessRoom(officer, 'LSC')).toBe(false); // same district, not theirs
    expect(await ids(await roomFilter(officer))).toEqual(['a']);
    expect(await ids(await roomFilter(twoRooms))).toEqual(['a', 'c']);
  });

  it('a supervisor sees every room of their district and none of another', async () => {
    expect((await accessibleRoomCodes(supervisor) as string[]).sort()).toEqual(['QT1', 'QT2']);
    expect(await canAccessRoom(supervisor, 'QT2')).toBe(true);
    expect(await canAccessRoom(supervisor, 'HPL')).toBe(false);
    expect(await ids(await roomFilter(supervisor))).toEqual(['c', 'd']);
  });

  it('a supervisor without a district sees nothing (not the rooms listed on the account)', async () => {
    expect(await accessibleRoomCodes(supervisorWithoutDistrict)).toEqual([]);
    expect(await canAccessRoom(supervisorWithoutDistrict, 'HPL')).toBe(false);
    expect(await ids(await roomFilter(supervisorWithoutDistrict))).toEqual([]);
  });

  it('an admin sees every room, and their filter limits nothing', async () => {
    expect(await accessibleRoomCodes(admin)).toBe('all');
    expect(await canAccessRoom(admin, 'QT2')).toBe(true);
    expect(await canAccessRoom(admin, 'NOSUCH')).toBe(true);
    expect(await roomFilter(admin)).toEqual({});
    expect(await ids(await roomFilter(admin))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a volunteer gets no officer room scope, even for the room they serve', async () => {
    expect(await accessibleRoomCodes(volunteer)).toEqual([]);
    expect(await canAccessRoom(volunteer, 'HPL')).toBe(false);
    expect(await ids(await roomFilter(volunteer))).toEqual([]);
  });

  it('the filter can name another field holding the room', async () => {
    expect(await roomFilter(officer, 'place')).toEqual({ place: { $in: ['HPL'] } });
    expect(await ids(await roomFilter(officer, 'place'))).toEqual(['a']);
    expect(await ids(await roomFilter(supervisor, 'place'))).toEqual(['c', 'd']);
  });
});
