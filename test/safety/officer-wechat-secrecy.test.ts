import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { seedAll } from '../../src/modules/seed/seed.service';
import { OfficerModel } from '../../src/modules/officers/officer.model';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { createItem } from '../../src/modules/items/item.service';
import { FakeClock, makeScheduler, sh } from '../jobs/helpers';

/** Issue #17: tip and case text never reaches officers' WeChat in the daily digest or SLA escalations; only codes, kinds and counts. */
let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  await OfficerModel.updateOne({ username: 'zhangwei' }, { $set: { wechatIds: ['wx-zhangwei'] } });
  await OfficerModel.updateOne({ username: 'chenjie' }, { $set: { wechatIds: ['wx-chenjie'] } });
});
afterAll(async () => db.stop());

it('digests and escalations carry codes, kinds and counts, never what the resident wrote', async () => {
  const clock = new FakeClock(sh('2026-05-06T07:00'));
  const scheduler = makeScheduler(clock, 'secrecy');
  const tip = await createItem({ room: 'HPL', kind: 'tip', text: '5号楼地下室有人制毒，穿黑衣服的老刘', now: sh('2026-05-06T07:00') });
  const dispute = await createItem({ room: 'HPL', kind: 'dispute', text: '楼上王大妈天天半夜剁排骨', now: sh('2026-05-06T07:00') });
  for (let t = sh('2026-05-06T07:00').getTime(); t <= sh('2026-05-07T09:30').getTime(); t += 15 * 60_000) {
    clock.set(new Date(t));
    await scheduler.tick();
  }
  const toOfficers = await OutboxModel.find({ conversationId: { $in: ['wx-zhangwei', 'wx-chenjie'] } }).lean();
  const purposes = new Set(toOfficers.map((m) => m.purpose));
  expect(purposes.has('digest')).toBe(true);
  expect(purposes.has('escalation')).toBe(true);
  const all = toOfficers.map((m) => m.text).join('\n');
  expect(all).toContain(tip.code);
  expect(all).toContain(dispute.code);
  for (const secret of ['制毒', '老刘', '地下室', '王大妈', '剁排骨']) expect(all).not.toContain(secret);
});
