import type { InboundMessage } from '../../src/modules/conversations';
import { handleInbound } from '../../src/modules/conversations/conversation.service';
import { ItemMessageModel, ItemModel } from '../../src/modules/items/item.model';
import { csvCell } from '../../src/modules/reports/csv';
import { seedAll } from '../../src/modules/seed/seed.service';
import { conversationDeps } from '../helpers/conversation';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

/** Issue #17, "Understanding that a resident can trust" and "Tips stay secret", through the conversation core and a real database. */
let db: TestDatabase;
const clock = new Date('2025-03-03T02:00:00Z');
const deps = conversationDeps(() => clock);

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
});
afterAll(async () => db.stop());

function msg(text: string, over: Partial<InboundMessage> = {}): InboundMessage {
  return { channel: 'wechat', conversationId: 'wx_a', senderId: 'wx_a', senderName: '王阿姨', text, isGroup: false, mentioned: true, room: 'HPL', receivedAt: clock, ...over };
}
const text = (r: { replies: Array<{ text: string }> }) => r.replies.map((x) => x.text).join('\n');

describe('tips', () => {
  it('details sent right after a tip are added to that tip, and the bot asks whether there is more', async () => {
    const m = { conversationId: 'wx_tip1', senderId: 'wx_tip1' };
    await handleInbound(msg('我要举报 5号楼有人聚众赌博，每天都有好几桌', m), deps);
    await handleInbound(msg('留下联系方式', m), deps);
    const done = await handleInbound(msg('李先生 13912345678', m), deps);
    const code = /J[0-9A-Z]{7}/.exec(text(done))![0];
    const more = await handleInbound(msg('3号楼地下室，每天晚上十点以后', m), deps);
    expect(text(more)).toContain(code);
    expect(text(more)).toMatch(/还有/);
    const item = await ItemModel.findOne({ code }).lean();
    const thread = await ItemMessageModel.find({ item: item!._id }).lean();
    expect(thread.map((t) => t.text)).toContain('3号楼地下室，每天晚上十点以后');
  });

  it('an anonymous tip is never joined to the resident\'s own named item', async () => {
    const m = { conversationId: 'wx_tip2', senderId: 'wx_tip2' };
    await handleInbound(msg('我要举报 7号楼车库有人卖假烟，晚上有面包车卸货', m), deps);
    await handleInbound(msg('留下联系方式', m), deps);
    const named = await handleInbound(msg('赵先生 13712345678', m), deps);
    const namedCode = /J[0-9A-Z]{7}/.exec(text(named))![0];
    await handleInbound(msg('没有了', m), deps);
    const anon = await handleInbound(msg('我要匿名举报 小区东门那家棋牌室每天晚上聚众赌博', m), deps);
    const namedItem = await ItemModel.findOne({ code: namedCode }).lean();
    const namedThread = await ItemMessageModel.find({ item: namedItem!._id }).lean();
    expect(namedThread.map((t) => t.text).join('\n')).not.toContain('棋牌室');
    const anonCode = /J[0-9A-Z]{7}/.exec(text(anon))?.[0];
    expect(anonCode).toBeDefined();
    expect(anonCode).not.toBe(namedCode);
    expect(await ItemModel.findOne({ code: anonCode }).lean()).toMatchObject({ anonymous: true, origin: null });
  });
});

describe('a crime that is not a danger right now', () => {
  it.each([
    ['wx_crime1', '后山坡上有人种了一片大烟，好几年了'],
    ['wx_crime2', '楼下超市老板拉了个群让人做任务返现，我觉得是骗人的'],
    ['wx_crime3', '有人自称是派出所的，在业主群里收办证的钱'],
  ])('is taken as a tip, with a line that an emergency goes to 110 (%s)', async (id, line) => {
    const m = { conversationId: id, senderId: id };
    const emergenciesBefore = await ItemModel.countDocuments({ kind: 'emergency' });
    const first = await handleInbound(msg(line, m), deps);
    expect(first.route).toBe('flow:tip:start');
    expect(text(first)).not.toContain('情况紧急请立即拨打');
    expect(text(first)).toMatch(/紧急情况，请直接拨打110/);
    const done = await handleInbound(msg('匿名提交', m), deps);
    const code = /J[0-9A-Z]{7}/.exec(text(done))![0];
    expect(await ItemModel.findOne({ code }).lean()).toMatchObject({ kind: 'tip' });
    expect(await ItemModel.countDocuments({ kind: 'emergency' })).toBe(emergenciesBefore);
  });
});

describe('the status flow', () => {
  it('"谢谢" or a new question leaves it instead of repeating "没有识别到编号"', async () => {
    const m = { conversationId: 'wx_st1', senderId: 'wx_st1' };
    await handleInbound(msg('查询进度', m), deps);
    const thanks = await handleInbound(msg('谢谢', m), deps);
    expect(text(thanks)).not.toContain('没有识别到编号');
    expect(text(thanks)).toMatch(/不客气/);

    await handleInbound(msg('查询进度', m), deps);
    const question = await handleInbound(msg('身份证丢了怎么补办', m), deps);
    expect(text(question)).not.toContain('没有识别到编号');
    expect(text(question)).toMatch(/身份证/);
  });
});

describe('a code typed with a character codes never use', () => {
  it('"Y1234567" is told what is wrong (no 0, 1, O, I, L) and asked again, and the right code then is looked up', async () => {
    const m = { conversationId: 'wx_st2', senderId: 'wx_st2' };
    const wrong = await handleInbound(msg('我的预约号是Y1234567，帮我查一下', m), deps);
    expect(text(wrong)).toContain('“Y1234567”不是有效的编号');
    expect(text(wrong)).toContain('没有数字0、1和字母O、I、L');
    // Asked again: the next message is read as the code.
    const again = await handleInbound(msg('y2345678', m), deps);
    expect(text(again)).toContain('没有找到预约号 Y2345678');
    // Typed into the question itself, the same.
    const inFlow = await handleInbound(msg('查询进度', { conversationId: 'wx_st3', senderId: 'wx_st3' }), deps);
    expect(text(inFlow)).toContain('请发送您的编号');
    const typo = await handleInbound(msg('SO2B3C4D', { conversationId: 'wx_st3', senderId: 'wx_st3' }), deps);
    expect(text(typo)).toContain('“SO2B3C4D”不是有效的编号');
  });
});

describe('CSV exports', () => {
  it('guard against formula injection with full-width triggers too', () => {
    for (const v of ['=1+1', '＝1+1', '＋1', '－1', '＠SUM(A1)', '=HYPERLINK("x")']) expect(csvCell(v).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell('王阿姨')).toBe('王阿姨');
  });
});
