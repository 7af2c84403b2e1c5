import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Koa from 'koa';
import request from 'supertest';
import sharp from 'sharp';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { seedAll } from '../../src/modules/seed/seed.service';
import { ItemModel } from '../../src/modules/items/item.model';
import { AuditModel } from '../../src/modules/audit/audit.model';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { submitTip } from '../../src/modules/tips/tip.service';
import { normalizeTipSecret } from '../../src/modules/tips/tip.secret';
import { buildClockedApp, signIn } from './fixtures';

let db: TestDatabase;
let app: Koa;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tips-data-'));
const clock = {
  get now() {
    return new Date();
  },
};
let zhang: Awaited<ReturnType<typeof signIn>>;
let wang: Awaited<ReturnType<typeof signIn>>;

// Real pictures (uploads are decoded and re-encoded); the JPEG carries a camera's EXIF with a GPS position.
let PNG: Buffer;
let JPEG: Buffer;
const GPS_EXIF = { IFD0: { Make: 'TipsterPhone', Model: 'Model-X1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '31/1 14/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '121/1 28/1 0/1' } };

beforeAll(async () => {
  PNG = await sharp({ create: { width: 8, height: 6, channels: 3, background: '#cc3333' } }).png().toBuffer();
  JPEG = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3366cc' } }).jpeg().withExif(GPS_EXIF).toBuffer();
  db = await startTestDatabase();
  await seedAll({ demo: true });
  app = buildClockedApp(clock, { DATA_DIR: dataDir, ATTACHMENT_MAX_KB: '16', TIP_ATTACHMENTS_PER_TIP_DAILY: '5', TIP_ATTACHMENTS_PER_ADDRESS_DAILY: '12' });
  zhang = await signIn(app, 'tt_zhang', { username: 'tt_zhang', name: '张伟', rooms: ['HPL'] });
  wang = await signIn(app, 'tt_wang', { username: 'tt_wang', name: '王强', rooms: ['LSC'] });
});
afterAll(async () => db.stop());

const http = () => request(app.callback());

async function fileTip(body: object = {}) {
  const res = await http()
    .post('/api/tips')
    .send({ room: 'HPL', text: '我要举报：3号楼地下室晚上有人聚众赌博', anonymous: true, ...body })
    .expect(201);
  return res.body as { code: string; secret: string; message: string };
}

describe('POST /api/tips', () => {
  it('files an anonymous tip: a J code, a secret shown once, only its hash stored, no identity', async () => {
    const res = await fileTip();
    expect(res.code).toMatch(/^J[2-9A-Z]{7}$/);
    expect(normalizeTipSecret(res.secret)).not.toBeNull();
    expect(res.message).toContain('保存');
    expect(res.message).toContain('微信');
    const item = await ItemModel.findOne({ code: res.code }).select('+secretHash +contact').lean();
    expect(item).toMatchObject({ kind: 'tip', room: 'HPL', anonymous: true, origin: null, contact: null, status: 'new' });
    expect(item!.secretHash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(item)).not.toContain(res.secret);
    expect(await AuditModel.countDocuments({ action: 'tip.create', itemCode: res.code })).toBe(1);
  });

  it('keeps contact details of a named tip', async () => {
    const res = await fileTip({ anonymous: false, contact: { name: '刘先生', phone: '139 0000 2222' } });
    const item = await ItemModel.findOne({ code: res.code }).select('+contact').lean();
    expect(item!.contact).toEqual({ name: '刘先生', phone: '13900002222' });
    expect(item!.anonymous).toBe(false);
  });

  it('drops contact details and identity when anonymous, even if sent', async () => {
    const res = await fileTip({ anonymous: true, contact: { name: '刘先生', phone: '13900002222' } });
    expect((await ItemModel.findOne({ code: res.code }).select('+contact').lean())!.contact).toBeNull();
    const viaBot = await submitTip({
      room: 'HPL',
      text: '匿名举报',
      anonymous: true,
      origin: { channel: 'wechat', conversationId: 'wxid_x', senderId: 'wxid_x', isGroup: false },
    });
    expect((await ItemModel.findById(viaBot.item._id).lean())!.origin).toBeNull();
  });

  it('answers a named tip raised in a group privately, never in the group', async () => {
    const { item } = await submitTip({
      room: 'HPL',
      text: '群里有人发赌博链接',
      anonymous: false,
      origin: { channel: 'wechat', conversationId: 'grp@chatroom', senderId: 'wxid_s', isGroup: true },
    });
    expect(item.origin).toMatchObject({ conversationId: 'wxid_s', isGroup: false });
  });

  it('validates input', async () => {
    await http().post('/api/tips').send({ room: 'HPL', text: '', anonymous: true }).expect(400);
    await http().post('/api/tips').send({ room: 'HPL', text: '内容' }).expect(400);
    const res = await http().post('/api/tips').send({ room: 'NOPE', text: '内容', anonymous: true }).expect(400);
    expect(res.body.error.code).toBe('room_not_found');
  });
});

describe('tipster follow-up with code + secret', () => {
  it('shows status and the dialogue, and a wrong secret looks exactly like an unknown code', async () => {
    const tip = await fileTip();
    const ok = await http().get(`/api/tips/${tip.code}`).set('X-Tip-Secret', tip.secret).expect(200);
    expect(ok.body.tip).toMatchObject({ code: tip.code, status: 'new', statusLabel: '待处理', roomName: '和平里社区警务室' });
    expect(ok.body.tip.messages).toHaveLength(1);
    // lower case and without dashes works too
    await http().get(`/api/tips/${tip.code.toLowerCase()}`).set('X-Tip-Secret', tip.secret.replace(/-/g, '').toLowerCase()).expect(200);

    const wrong = await http().get(`/api/tips/${tip.code}`).set('X-Tip-Secret', 'AAAA-BBBB-CCCC-DDDD-EEEE').expect(404);
    const unknown = await http().get('/api/tips/J2345678').set('X-Tip-Secret', tip.secret).expect(404);
    const missing = await http().get(`/api/tips/${tip.code}`).expect(404);
    const garbage = await http().get('/api/tips/hello').set('X-Tip-Secret', tip.secret).expect(404);
    expect(wrong.body).toEqual(unknown.body);
    expect(missing.body).toEqual(unknown.body);
    expect(garbage.body).toEqual(unknown.body);
  });

  it('runs a two-way dialogue: officer replies stay in the thread; the tipster writes back; notes stay internal', async () => {
    const tip = await fileTip();
    const item = (await ItemModel.findOne({ code: tip.code }).lean())!;
    await zhang.agent.post(`/api/inbox/${item._id}/reply`).set('X-CSRF-Token', zhang.csrf).send({ text: '请问具体是几点？' }).expect(201);
    await zhang.agent.post(`/api/inbox/${item._id}/notes`).set('X-CSRF-Token', zhang.csrf).send({ text: '内部：已通知巡逻' }).expect(201);
    expect(await OutboxModel.countDocuments({ item: item._id })).toBe(0);

    const view = await http().get(`/api/tips/${tip.code}`).set('X-Tip-Secret', tip.secret).expect(200);
    expect(view.body.tip.status).toBe('waiting');
    expect(view.body.tip.messages.map((m: { from: string; text: string }) => `${m.from}:${m.text}`)).toEqual([
      'you:我要举报：3号楼地下室晚上有人聚众赌博',
      'police:请问具体是几点？',
    ]);
    expect(JSON.stringify(view.body)).not.toMatch(/张伟|tt_zhang|内部/);

    await http().post(`/api/tips/${tip.code}/messages`).set('X-Tip-Secret', tip.secret).send({ text: '每晚十点以后' }).expect(201);
    await http().post(`/api/tips/${tip.code}/messages`).set('X-Tip-Secret', 'AAAA-BBBB-CCCC-DDDD-EEEE').send({ text: 'x' }).expect(404);
    await http().post(`/api/tips/${tip.code}/messages`).set('X-Tip-Secret', tip.secret).send({ text: '' }).expect(400);
    const after = (await ItemModel.findById(item._id).lean())!;
    expect(after.status).toBe('claimed'); // back to its officer
    const detail = await zhang.agent.get(`/api/inbox/${item._id}`).expect(200);
    expect(detail.body.item.thread.map((m: { text: string }) => m.text)).toContain('每晚十点以后');
  });

  it('reopens a resolved tip when the tipster writes again', async () => {
    const tip = await fileTip();
    const item = (await ItemModel.findOne({ code: tip.code }).lean())!;
    await zhang.agent.post(`/api/inbox/${item._id}/claim`).set('X-CSRF-Token', zhang.csrf).send({}).expect(200);
    await zhang.agent.post(`/api/inbox/${item._id}/resolve`).set('X-CSRF-Token', zhang.csrf).send({}).expect(200);
    await http().post(`/api/tips/${tip.code}/messages`).set('X-Tip-Secret', tip.secret).send({ text: '又开始了' }).expect(201);
    const after = (await ItemModel.findById(item._id).lean())!;
    expect(after).toMatchObject({ status: 'new', reopenCount: 1, assignee: null });
  });
});

describe('attachments', () => {
  it('accepts images by magic bytes, stores them under random names, and shows them only to officers of the room', async () => {
    const tip = await fileTip();
    const item = (await ItemModel.findOne({ code: tip.code }).lean())!;
    await http().post(`/api/tips/${tip.code}/attachments`).set('X-Tip-Secret', tip.secret).attach('file', PNG, 'evidence.png').expect(201);
    await http().post(`/api/tips/${tip.code}/attachments`).set('X-Tip-Secret', 'AAAA-BBBB-CCCC-DDDD-EEEE').attach('file', PNG, 'a.png').expect(404);
    const fake = await http().post(`/api/tips/${tip.code}/attachments`).set('X-Tip-Secret', tip.secret).attach('file', Buffer.from('<svg onload=alert(1)>'), { filename: 'x.png', contentType: 'image/png' }).expect(415);
    expect(fake.body.error.code).toBe('unsupported_attachment');
    const big = await http().post(`/api/tips/${tip.code}/attachments`).set('X-Tip-Secret', tip.secret).attach('file', Buffer.concat([JPEG, Buffer.alloc(17 * 1024)]), 'big.jpg').expect(413);
    expect(big.body.error.code).toBe('attachment_too_large');
    await http().post(`/api/tips/${tip.code}/attachments`).set('X-Tip-Secret', tip.secret).send({}).expect(415);

    const stored = readdirSync(path.join(dataDir, 'attachments'));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatch(/^[a-f0-9]{32}\.png$/);

    const detail = await zhang.agent.get(`/api/inbox/${item._id}`).expect(200);
    const withImage = detail.body.item.thread.find((m: { attachments: unknown[] }) => m.attachments.length);
    const url = withImage.attachments[0].url as string;
    const img = await zhang.agent.get(url).expect(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.headers['cache-control']).toContain('no-store');
    expect(await sharp(img.body as Buffer).metadata()).toMatchObject({ format: 'png', width: 8, height: 6 });
    await wang.agent.get(url).expect(404);
    await http().get(url).expect(401);
    expect(await AuditModel.countDocuments({ action: 'attachment.view', item: item._id })).toBe(1);

    const officerUpload = await zhang.agent.post(`/api/inbox/${item._id}/attachments`).set('X-CSRF-Token', zhang.csrf).attach('file', JPEG, 'photo.jpg').expect(201);
    expect(officerUpload.body.message).toMatchObject({ kind: 'note', attachments: [{ mime: 'image/jpeg' }] });
    await wang.agent.post(`/api/inbox/${item._id}/attachments`).set('X-CSRF-Token', wang.csrf).attach('file', JPEG, 'photo.jpg').expect(404);
  });

  it('strips EXIF (GPS position, device) from a tip photo and keeps the picture', async () => {
    expect((await sharp(JPEG).metadata()).exif?.includes(Buffer.from([0x25, 0x88]))).toBe(true); // the GPS block is there to strip
    const tip = await fileTip();
    const item = (await ItemModel.findOne({ code: tip.code }).lean())!;
    await http().post(`/api/tips/${tip.code}/attachments`).set('X-Tip-Secret', tip.secret).attach('file', JPEG, 'IMG_0001.jpg').expect(201);
    const detail = await zhang.agent.get(`/api/inbox/${item._id}`).expect(200);
    const url = detail.body.item.thread.find((m: { attachments: unknown[] }) => m.attachments.length).attachments[0].url as string;
    const img = (await zhang.agent.get(url).expect(200)).body as Buffer;
    const meta = await sharp(img).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 40, height: 30 });
    expect(meta.exif).toBeUndefined();
    expect(img.includes('TipsterPhone')).toBe(false);
    expect(img.includes('Exif')).toBe(false);
    // the picture itself is kept: the same colour
    const { data } = await sharp(img).raw().toBuffer({ resolveWithObject: true });
    expect(Math.abs(data[2] - 0xcc)).toBeLessThan(12);
  });

  it('caps the images a day per tip and per address with a clear 429', async () => {
    // This address has used 5 of its 12 today (the tests above); a new tip may take 5.
    const a = await fileTip();
    for (let i = 0; i < 5; i++) await http().post(`/api/tips/${a.code}/attachments`).set('X-Tip-Secret', a.secret).attach('file', PNG, 'p.png').expect(201);
    const perTip = await http().post(`/api/tips/${a.code}/attachments`).set('X-Tip-Secret', a.secret).attach('file', PNG, 'p.png').expect(429);
    expect(perTip.body.error).toMatchObject({ code: 'tip_attachment_quota' });
    expect(perTip.body.error.message).toMatch(/^这条线索今天上传的图片已达上限/);
    const b = await fileTip();
    await http().post(`/api/tips/${b.code}/attachments`).set('X-Tip-Secret', b.secret).attach('file', PNG, 'p.png').expect(201);
    const perAddress = await http().post(`/api/tips/${b.code}/attachments`).set('X-Tip-Secret', b.secret).attach('file', PNG, 'p.png').expect(429);
    expect(perAddress.body.error).toMatchObject({ code: 'address_attachment_quota' });
    expect(perAddress.body.error.message).toMatch(/^今天从您这里上传的图片已达上限/);
    expect(Number(perAddress.headers['retry-after'])).toBeGreaterThan(0);
    // nothing already stored is lost
    const itemA = (await ItemModel.findOne({ code: a.code }).lean())!;
    const thread = (await zhang.agent.get(`/api/inbox/${itemA._id}`).expect(200)).body.item.thread as Array<{ attachments: unknown[] }>;
    expect(thread.filter((m) => m.attachments.length)).toHaveLength(5);
  });
});
