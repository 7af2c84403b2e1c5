import type { InboundMessage } from '../../src/modules/conversations';
import { handleInbound } from '../../src/modules/conversations/conversation.service';
import { ConversationStateModel } from '../../src/modules/conversations/conversation-state.model';
import { ItemMessageModel, ItemModel } from '../../src/modules/items/item.model';
import { seedAll } from '../../src/modules/seed/seed.service';
import { containsPersonalData } from '../../src/lib/mask';
import { conversationDeps } from '../helpers/conversation';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

let db: TestDatabase;
let clock = new Date('2025-03-03T02:00:00Z');
const deps = conversationDeps(() => clock, { CONVERSATION_IDLE_MINUTES: '30', ITEM_REOPEN_HOURS: '72' });

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
});
afterAll(async () => db.stop());

function msg(text: string, over: Partial<InboundMessage> = {}): InboundMessage {
  return { channel: 'wechat', conversationId: 'wxid_resident1', senderId: 'wxid_resident1', senderName: '王阿姨', text, isGroup: false, mentioned: true, room: null, receivedAt: clock, ...over };
}
const text = (r: { replies: Array<{ text: string }> }) => r.replies.map((x) => x.text).join('\n');

describe('conversation core', () => {
  it('asks a private WeChat chat without a room to pick one, then answers the pending question', async () => {
    const first = await handleInbound(msg('警务室几点开门'), deps);
    expect(first.route).toBe('pick_room');
    const pick = first.replies[0].options!.find((o) => o.value.endsWith('LSC'))!;
    const second = await handleInbound(msg(pick.value), deps);
    expect(text(second)).toContain('柳树村警务室');
    expect(text(second)).toContain('8:00');
    expect(second.room).toBe('LSC');
    const later = await handleInbound(msg('你好'), deps);
    expect(later.room).toBe('LSC');
  });

  it('answers emergencies even with no room known, without creating an item', async () => {
    const r = await handleInbound(msg('救命 有人打人了', { conversationId: 'wxid_new', senderId: 'wxid_new' }), deps);
    expect(r.route).toBe('emergency');
    expect(text(r)).toContain('110');
    expect(text(r)).toContain('本平台不是报警渠道');
  });

  it('in a group: never starts a personal-data flow, points to the private chat and web link, and echoes nothing', async () => {
    const group = { channel: 'wechat' as const, conversationId: 'room_g1', senderId: 'wxid_g_user', isGroup: true, room: 'HPL' };
    const r = await handleInbound(msg('我要举报 13812345678 这个人在小区卖假烟，身份证110101199003071234', group), deps);
    expect(r.route).toBe('group_handoff');
    const out = text(r);
    expect(out).toContain('私聊');
    expect(out).toContain('/?room=HPL');
    expect(containsPersonalData(out)).toBe(false);
    expect(out).not.toContain('假烟');
    expect(await ItemModel.countDocuments({ kind: 'tip' })).toBe(0);
    // The private chat is prepared for the group's room.
    await new Promise((r2) => setTimeout(r2, 100));
    const priv = await handleInbound(msg('我要举报', { conversationId: 'wxid_g_user', senderId: 'wxid_g_user' }), deps);
    expect(priv.route).toBe('flow:tip:start');
    expect(priv.room).toBe('HPL');
  });

  it('forgets a half-finished flow after the idle time', async () => {
    const m = { conversationId: 'web_idle_1', senderId: 'web_idle_1', channel: 'web' as const, room: 'HPL' };
    const r1 = await handleInbound(msg('我要投诉', m), deps);
    expect(r1.route).toBe('flow:complaint:start');
    clock = new Date(clock.getTime() + 31 * 60_000);
    const r2 = await handleInbound(msg('你好', m), deps);
    expect(r2.route).toBe('chitchat');
    const state = await ConversationStateModel.findOne({ conversationId: 'web_idle_1' }).lean();
    expect(state).toBeTruthy();
  });

  it('within the idle time, resumes the flow; "退出" leaves it', async () => {
    const m = { conversationId: 'web_idle_2', senderId: 'web_idle_2', channel: 'web' as const, room: 'HPL' };
    await handleInbound(msg('我要投诉', m), deps);
    clock = new Date(clock.getTime() + 10 * 60_000);
    const exit = await handleInbound(msg('退出', m), deps);
    expect(exit.route).toBe('exit');
    const after = await handleInbound(msg('你好', m), deps);
    expect(after.route).toBe('chitchat');
  });

  it('reopens a recently resolved item when the resident writes again; thanks do not', async () => {
    const m = { conversationId: 'web_reopen', senderId: 'web_reopen', channel: 'web' as const, room: 'HPL' };
    const created = await handleInbound(msg('窗口民警态度太差了，上周三上午办居住证时对我大吼，我要投诉', m), deps);
    expect(created.itemCode).toMatch(/^S/);
    const item = await ItemModel.findOne({ code: created.itemCode }).lean();
    await ItemModel.updateOne({ _id: item!._id }, { $set: { status: 'resolved', resolvedAt: clock } });
    clock = new Date(clock.getTime() + 60 * 60_000);
    const thanks = await handleInbound(msg('谢谢', m), deps);
    expect(thanks.route).toBe('chitchat');
    expect((await ItemModel.findById(item!._id).lean())!.status).toBe('resolved');
    const again = await handleInbound(msg('还是没人给我解释清楚，我要投诉', m), deps);
    expect(again.route).toBe('thread');
    const reopened = await ItemModel.findById(item!._id).lean();
    expect(reopened!.status).toBe('new');
    expect(reopened!.reopenCount).toBe(1);
    expect(await ItemMessageModel.countDocuments({ item: item!._id, author: 'resident' })).toBe(2);
  });

  it('collects a named tip (private chat) with contact details, linked for follow-ups', async () => {
    const m = { conversationId: 'wxid_tipster', senderId: 'wxid_tipster', room: 'HPL' };
    await handleInbound(msg('我要举报', m), deps);
    const r2 = await handleInbound(msg('5号楼一楼商铺晚上有人卖假酒，经常有面包车来卸货', m), deps);
    expect(r2.replies[0].options?.map((o) => o.label)).toEqual(['匿名提交', '留下联系方式']);
    expect(text(r2)).toMatch(/微信平台并不匿名/);
    await handleInbound(msg('留下联系方式', m), deps);
    const done = await handleInbound(msg('李先生 13912345678', m), deps);
    const code = /J[0-9A-Z]{7}/.exec(text(done))![0];
    const item = await ItemModel.findOne({ code }).select('+contact').lean();
    expect(item).toMatchObject({ anonymous: false, contact: { name: '李先生', phone: '13912345678' } });
    expect(item!.origin?.conversationId).toBe('wxid_tipster');
  });
});
