import mongoose, { Types } from 'mongoose';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { seedAll } from '../../src/modules/seed/seed.service';
import { createItem } from '../../src/modules/items/item.service';
import { ItemMessageModel, ItemModel } from '../../src/modules/items/item.model';
import { ItemClaimModel } from '../../src/modules/inbox/item-claim.model';
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

  it("takes a resident's further message even while a change the database lost mid-way still blocks the item", async () => {
    // A winner claimed the next epoch and then lost its database (an outage between its claim and
    // its write): for a while every change on the item loses the race. A resident who writes again
    // must not get an error for it; a reopen, though, waits for the item to be free.
    const item = await createItem({ room: 'HPL', kind: 'emergency', text: '有人打架', now: at(0) });
    await ItemClaimModel.create({ item: item._id, epoch: (item.claimEpoch ?? 0) + 1, action: 'claim', officer: null, patch: {}, at: new Date() });
    const { message } = await addResidentMessage({ itemId: item._id, text: '又来了一伙人', now: at(2) });
    expect(message.text).toBe('又来了一伙人');
    expect((await loadThread(item._id)).map((m) => m.text)).toEqual(['有人打架', '又来了一伙人']);

    const resolved = await createItem({ room: 'HPL', kind: 'question', text: '怎么办居住证？', now: at(0) });
    await ItemModel.collection.updateOne({ _id: resolved._id }, { $set: { status: 'resolved' } });
    await ItemClaimModel.create({ item: resolved._id, epoch: (resolved.claimEpoch ?? 0) + 1, action: 'claim', officer: null, patch: {}, at: new Date() });
    await expect(addResidentMessage({ itemId: resolved._id, text: '还有问题', now: at(2) })).rejects.toMatchObject({ code: 'item_busy' });
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
