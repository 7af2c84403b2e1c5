import mongoose, { Types } from 'mongoose';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { seedAll } from '../../src/modules/seed/seed.service';
import { createItem } from '../../src/modules/items/item.service';
import { ItemMessageModel } from '../../src/modules/items/item.model';
import { addResidentMessage } from '../../src/modules/inbox/replies.service';
import { appendMessage, loadThread } from '../../src/modules/items/thread';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
});
afterAll(async () => db.stop());

const at = (minute: number) => new Date(Date.UTC(2026, 10, 29, 2, minute));

describe("an item's thread", () => {
  it('keeps every message when 20 residents and officers write at the same moment, numbered 1..21 in the order stored', async () => {
    const item = await createItem({ room: 'HPL', kind: 'question', text: '孩子刚出生怎么上户口？', now: at(0) });
    await Promise.all(
      Array.from({ length: 20 }, (_, k) =>
        k % 2 ? appendMessage({ item: item._id, author: 'officer', kind: 'note', text: `备注 ${k}`, at: at(1) }) : addResidentMessage({ itemId: item._id, text: `追加 ${k}`, now: at(1) }),
      ),
    );
    const thread = await loadThread(item._id);
    expect(thread[0].text).toBe('孩子刚出生怎么上户口？');
    const texts = thread.map((m) => m.text);
    for (let k = 0; k < 20; k++) expect(texts).toContain(k % 2 ? `备注 ${k}` : `追加 ${k}`);
    expect(thread.map((m) => m.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(await ItemMessageModel.countDocuments({ item: item._id })).toBe(21);
  });

  it('reads a long thread whole and in order', async () => {
    const item = await createItem({ room: 'HPL', kind: 'dispute', text: '楼上漏水，协商不成', now: at(0) });
    for (let k = 1; k <= 70; k++) await appendMessage({ item: item._id, author: k % 2 ? 'officer' : 'resident', kind: k % 2 ? 'reply' : 'message', text: `第${k}条`, at: at(k) });
    const thread = await loadThread(item._id);
    expect(thread).toHaveLength(71);
    expect(thread.slice(1).map((m) => m.text)).toEqual(Array.from({ length: 70 }, (_, k) => `第${k + 1}条`));
  });

  it('still shows a thread stored before messages were numbered, with new messages after the old ones', async () => {
    const item = new Types.ObjectId();
    // Straight into the collection: the model no longer writes ObjectId keys.
    await mongoose.connection.db!.collection('itemmessages').insertMany([
      { _id: new Types.ObjectId(), item, author: 'resident', kind: 'message', text: '旧消息一', attachments: [], at: at(0) },
      { _id: new Types.ObjectId(), item, author: 'officer', kind: 'reply', text: '旧回复', attachments: [], at: at(1) },
    ]);
    await appendMessage({ item, author: 'resident', kind: 'message', text: '新消息', at: at(2) });
    expect((await loadThread(item)).map((m) => m.text)).toEqual(['旧消息一', '旧回复', '新消息']);
  });
});
