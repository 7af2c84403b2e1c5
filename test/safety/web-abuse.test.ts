import request from 'supertest';
import { isSharedAddress } from '../../src/lib/addresses';
import { ItemMessageModel, ItemModel } from '../../src/modules/items/item.model';
import { GroupBindingModel } from '../../src/modules/groups/group.model';
import { handleBindCommand } from '../../src/modules/groups/group.service';
import { RateSeatModel } from '../../src/modules/rate-limits/rate-limit';
import { seedAll } from '../../src/modules/seed/seed.service';
import { buildTestApp } from '../helpers/app';
import { createOfficer } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

/** Issue #17: fake emergencies from one address, client addresses in rate-limit records, group rebinding scope. */
let db: TestDatabase;
const { app } = buildTestApp({ TRUST_PROXY_HOPS: '1' });
const http = () => request(app.callback());

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
});
afterAll(async () => db?.stop());

describe('fake emergencies from one address', () => {
  it('page the officers once per window: repeats from new conversations of the same address join the first item', async () => {
    const before = await ItemModel.countDocuments({ kind: 'emergency', room: 'HPL' });
    const codes = new Set<string>();
    for (let i = 0; i < 4; i++) {
      // No conversation id: each message opens a new conversation, from the same address.
      const res = await http().post('/api/chat/messages').set('X-Forwarded-For', '198.51.100.23').send({ room: 'HPL', text: `有人持刀抢劫 快来 ${i}` });
      expect(res.status).toBe(200);
      expect(res.body.replies[0].text).toContain('110');
      codes.add(/事项编号 ([A-Z0-9]+)/.exec(res.body.replies[0].text)?.[1] ?? 'none');
    }
    const items = await ItemModel.find({ kind: 'emergency', room: 'HPL' }).lean();
    expect(items.length - before).toBe(1);
    expect(codes.size).toBe(1);
    const item = items.find((x) => codes.has(x.code))!;
    expect(await ItemMessageModel.countDocuments({ item: item._id })).toBe(4);

    // Another address is another emergency.
    await http().post('/api/chat/messages').set('X-Forwarded-For', '198.51.100.99').send({ room: 'HPL', text: '有人持刀抢劫 快来' });
    expect((await ItemModel.countDocuments({ kind: 'emergency', room: 'HPL' })) - before).toBe(2);

    // Another kind of emergency from the first address (a shared address: many residents) is
    // another item, paged as a fire, not a line in the robbery's item.
    const fire = await http().post('/api/chat/messages').set('X-Forwarded-For', '198.51.100.23').send({ room: 'HPL', text: '楼道里着火了 好大的烟' });
    expect(fire.body.replies[0].text).toContain('119');
    const fireCode = /事项编号 ([A-Z0-9]+)/.exec(fire.body.replies[0].text)?.[1];
    expect(fireCode).toBeDefined();
    expect(codes.has(fireCode!)).toBe(false);
    expect((await ItemModel.countDocuments({ kind: 'emergency', room: 'HPL' })) - before).toBe(3);
  });
});

describe('emergencies from a loopback or private address', () => {
  it('are never joined by that address: it is a proxy whose hop is not trusted, or a local network, many residents at once', async () => {
    const before = await ItemModel.countDocuments({ kind: 'emergency', room: 'HPL' });
    const codes = new Set<string>();
    for (const address of ['10.1.2.3', '10.1.2.3', undefined, undefined]) {
      // No conversation id: new conversations. `undefined`: no header, the socket's loopback address.
      const req = http().post('/api/chat/messages');
      const res = await (address ? req.set('X-Forwarded-For', address) : req).send({ room: 'HPL', text: '有人持刀抢劫 快来' });
      expect(res.body.replies[0].text).toContain('110');
      codes.add(/事项编号 ([A-Z0-9]+)/.exec(res.body.replies[0].text)?.[1] ?? 'none');
    }
    expect(codes.size).toBe(4);
    expect((await ItemModel.countDocuments({ kind: 'emergency', room: 'HPL' })) - before).toBe(4);
  });

  it('tells a shared address from a resident\'s', () => {
    for (const ip of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.0.0.8', '172.20.1.1', '192.168.1.10', '100.64.0.1', 'fd12::1', 'fe80::1', 'unknown', ''])
      expect([ip, isSharedAddress(ip)]).toEqual([ip, true]);
    for (const ip of ['198.51.100.23', '::ffff:203.0.113.7', '172.32.0.1', '2001:db8::1', '240e:1::1'])
      expect([ip, isSharedAddress(ip)]).toEqual([ip, false]);
  });
});

describe('client addresses are not kept', () => {
  it('rate-limit records of the web chat and the tip line carry a keyed hash, never the address', async () => {
    await RateSeatModel.deleteMany({});
    const ip = '203.0.113.77';
    expect((await http().post('/api/chat/messages').set('X-Forwarded-For', ip).send({ room: 'HPL', text: '你好' })).status).toBe(200);
    expect((await http().post('/api/tips').set('X-Forwarded-For', ip).send({ room: 'HPL', text: '5号楼有人聚众赌博，每晚都有', anonymous: true })).status).toBe(201);
    const ids = (await RateSeatModel.find({}).lean()).map((s) => String(s._id));
    expect(ids.some((id) => id.startsWith('chat-ip:'))).toBe(true);
    expect(ids.some((id) => id.startsWith('tip-submit:'))).toBe(true);
    for (const id of ids) expect(id).not.toContain(ip);
    // Same address, same key: the limit still works per address.
    const chatKeys = new Set(ids.filter((id) => id.startsWith('chat-ip:')).map((id) => id.split('|')[0]));
    expect(chatKeys.size).toBe(1);
  });
});

describe('group rebinding needs access to both rooms', () => {
  it('an officer of room B alone cannot take a group bound to room A; an officer of both can', async () => {
    await createOfficer({ username: 'only_lsc', rooms: ['LSC'], wechatIds: ['wx-only-lsc'] });
    await createOfficer({ username: 'both_rooms', rooms: ['HPL', 'LSC'], wechatIds: ['wx-both'] });
    await createOfficer({ username: 'only_hpl', rooms: ['HPL'], wechatIds: ['wx-only-hpl'] });
    const now = new Date();
    expect((await handleBindCommand({ groupId: 'grp-1', senderId: 'wx-only-hpl', text: '绑定 HPL', now }))?.bound).toBe('HPL');

    const refused = await handleBindCommand({ groupId: 'grp-1', senderId: 'wx-only-lsc', text: '绑定 LSC', now });
    expect(refused?.bound).toBe('HPL');
    expect(await GroupBindingModel.findOne({ groupId: 'grp-1' }).lean()).toMatchObject({ room: 'HPL' });

    expect((await handleBindCommand({ groupId: 'grp-1', senderId: 'wx-both', text: '绑定 LSC', now }))?.bound).toBe('LSC');
    expect(await GroupBindingModel.findOne({ groupId: 'grp-1' }).lean()).toMatchObject({ room: 'LSC' });
  });
});
