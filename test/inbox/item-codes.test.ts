import mongoose, { Types } from 'mongoose';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { seedAll } from '../../src/modules/seed/seed.service';
import { createItem, ensureItemCodes, findItemByCode } from '../../src/modules/items/item.service';
import { ItemCodeModel } from '../../src/modules/items/item-code.model';
import { ItemModel } from '../../src/modules/items/item.model';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
});
afterAll(async () => db.stop());

describe('follow-up codes', () => {
  it('gives 100 items created at once 100 different codes, each found again by its code', async () => {
    const items = await Promise.all(Array.from({ length: 100 }, (_, k) => createItem({ room: 'HPL', kind: 'question', text: `问题 ${k}` })));
    expect(new Set(items.map((i) => i.code)).size).toBe(100);
    for (const item of items.slice(0, 10)) expect((await findItemByCode(item.code))?._id).toEqual(item._id);
    expect(await findItemByCode('S2222222')).toBeNull();
  });

  it('indexes the codes of items stored without a reference (older data) at start-up, once', async () => {
    const _id = new Types.ObjectId();
    const now = new Date();
    await mongoose.connection.db!.collection('items').insertOne({
      _id,
      code: 'SQWERTY2',
      room: 'HPL',
      kind: 'dispute',
      status: 'new',
      priority: 1,
      summary: '旧事项',
      dueAt: now,
      lastActivityAt: now,
      createdAt: now,
      updatedAt: now,
    });
    expect(await findItemByCode('SQWERTY2')).toBeNull();
    expect(await ensureItemCodes()).toBe(1);
    expect((await findItemByCode('SQWERTY2'))?._id).toEqual(_id);
    expect(await ensureItemCodes()).toBe(0);
    expect(await ItemCodeModel.countDocuments()).toBe(await ItemModel.countDocuments());
  });
});
