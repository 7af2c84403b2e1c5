import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { testLogger } from '../helpers/app';
import { ensureAdmin, seedAll, seedIfEmpty } from '../../src/modules/seed/seed.service';
import { OfficerModel } from '../../src/modules/officers/officer.model';
import { RoomModel } from '../../src/modules/rooms/room.model';
import { ServiceModel } from '../../src/modules/services/service.model';
import { verify } from '@node-rs/argon2';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db.stop());
beforeEach(async () => db.clear());

describe('seed data', () => {
  it('loads the catalog and demo district on an empty database', async () => {
    const report = await seedIfEmpty({ demo: true });
    expect(report).toEqual({ services: 21, faq: 96, holidays: expect.any(Number), rooms: 4, officers: 6 });
    expect(report!.holidays).toBeGreaterThan(20);
    expect(await ServiceModel.countDocuments()).toBe(21);
    expect((await RoomModel.find().lean()).map((r) => r.type).sort()).toEqual(['joint_villages', 'mobile', 'rural', 'urban']);
  });

  it('is idempotent: a second run and a concurrent run add nothing', async () => {
    await seedAll({ demo: true });
    const again = await Promise.all([seedAll({ demo: true }), seedAll({ demo: true })]);
    expect(again).toEqual([
      { services: 0, faq: 0, holidays: 0, rooms: 0, officers: 0 },
      { services: 0, faq: 0, holidays: 0, rooms: 0, officers: 0 },
    ]);
    expect(await ServiceModel.countDocuments()).toBe(21);
    expect(await RoomModel.countDocuments()).toBe(4);
    expect(await OfficerModel.countDocuments()).toBe(6);
  });

  it('never overwrites what an admin edited', async () => {
    await seedAll({ demo: true });
    await ServiceModel.updateOne({ key: 'residence_permit' }, { $set: { typicalTime: '10个工作日' } });
    await seedAll({ demo: true });
    expect((await ServiceModel.findOne({ key: 'residence_permit' }).lean())!.typicalTime).toBe('10个工作日');
  });

  it('does not add demo rooms to a database that already has rooms', async () => {
    await RoomModel.create({ code: 'REAL1', name: '真实警务室', type: 'urban', district: 'D1', districtName: '某区', address: '某路1号', phone: '110', hoursText: '工作日' });
    const report = await seedIfEmpty({ demo: true });
    expect(report).toMatchObject({ services: 21, rooms: 0, officers: 0 });
    expect(await RoomModel.countDocuments()).toBe(1);
  });
});

describe('admin account', () => {
  it('creates the admin with a random password printed once, hashed in the database', async () => {
    const lines: string[] = [];
    const first = await ensureAdmin({ username: 'admin', logger: testLogger(), print: (l) => lines.push(l) });
    expect(first.created).toBe(true);
    const passwordLine = lines.find((l) => l.includes('password:'))!;
    const password = passwordLine.split('password:')[1].trim();
    expect(password.length).toBeGreaterThanOrEqual(16);
    const stored = await OfficerModel.findOne({ username: 'admin' }).select('+passwordHash').lean();
    expect(stored!.role).toBe('admin');
    expect(stored!.passwordHash).not.toContain(password);
    expect(await verify(stored!.passwordHash!, password)).toBe(true);

    const again: string[] = [];
    expect((await ensureAdmin({ username: 'admin', logger: testLogger(), print: (l) => again.push(l) })).created).toBe(false);
    expect(again).toHaveLength(0);
  });

  it('takes ADMIN_PASSWORD when given and prints nothing', async () => {
    const lines: string[] = [];
    await ensureAdmin({ username: 'chief', password: 'correct-horse-battery', logger: testLogger(), print: (l) => lines.push(l) });
    expect(lines).toHaveLength(0);
    const stored = await OfficerModel.findOne({ username: 'chief' }).select('+passwordHash').lean();
    expect(await verify(stored!.passwordHash!, 'correct-horse-battery')).toBe(true);
  });
});
