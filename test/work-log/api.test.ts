import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Koa from 'koa';
import request from 'supertest';
import sharp from 'sharp';
import { createApp } from '../../src/http/app';
import { AuditModel } from '../../src/modules/audit/audit.model';
import { AttachmentModel } from '../../src/modules/attachments/attachment.model';
import { seedAll } from '../../src/modules/seed/seed.service';
import { WorkLogModel } from '../../src/modules/work-log/work-log.model';
import { testConfig, testLogger } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * The officers' 工作日志 over HTTP on a real database: an entry is stored once per idempotency key
 * however often it is sent, only in the officer's own rooms and places, photos lose their metadata,
 * and every bad input gets a 4xx in the stable shape without storing anything.
 */
let db: TestDatabase;
let app: Koa;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'work-log-data-'));
// 2026-12-03 10:00 in Beijing.
const clock = { now: new Date('2026-12-03T02:00:00Z') };
let JPEG: Buffer;
const GPS_EXIF = { IFD0: { Make: 'OfficerPhone', Model: 'Model-Z9' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '39/1 54/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '116/1 23/1 0/1' } };

type Session = Awaited<ReturnType<typeof login>> & { id: string };
let zhang: Session; // HPL
let wang: Session; // LSC
let liu: Session; // LD01 and LSC
let chief: Session; // supervisor of XH
let otherChief: Session; // supervisor of another district
let admin: Session;

async function signIn(props: Parameters<typeof createOfficer>[0]): Promise<Session> {
  const created = await createOfficer(props);
  return { ...(await login(app as never, props.username)), id: created.id };
}

let keyNo = 0;
const newKey = () => `test-key-${Date.now().toString(36)}-${++keyNo}`;
const visit = (over: Record<string, unknown> = {}) => ({ kind: 'household_visit', at: '2026-12-03T09:30:00+08:00', place: '和平里社区', count: 12, note: '3号楼走访独居老人', ...over });

function post(s: Session, body: unknown, key: string | null = newKey()) {
  const req = s.agent.post('/api/work-log').set('X-CSRF-Token', s.csrf);
  if (key !== null) req.set('Idempotency-Key', key);
  return req.send(body as object);
}

beforeAll(async () => {
  JPEG = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#33aa66' } }).jpeg().withExif(GPS_EXIF).toBuffer();
  db = await startTestDatabase();
  await seedAll({ demo: true });
  app = createApp({ config: testConfig({ DATA_DIR: dataDir, ATTACHMENT_MAX_KB: '64' }), logger: testLogger(), now: () => clock.now }) as unknown as Koa;
  zhang = await signIn({ username: 'wl_zhang', name: '张伟', rooms: ['HPL'], district: 'XH' });
  wang = await signIn({ username: 'wl_wang', name: '王强', rooms: ['LSC'], district: 'XH' });
  liu = await signIn({ username: 'wl_liu', name: '刘军', rooms: ['LD01', 'LSC'], district: 'XH' });
  chief = await signIn({ username: 'wl_chief', name: '陈杰', role: 'supervisor', district: 'XH' });
  otherChief = await signIn({ username: 'wl_yy', name: '周明', role: 'supervisor', district: 'YY' });
  admin = await signIn({ username: 'wl_admin', name: '赵敏', role: 'admin' });
}, 120_000);

afterAll(async () => {
  await db?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('logging field work', () => {
  it('stores a household visit once, however often the phone sends it (one after another and all at once)', async () => {
    const key = newKey();
    const first = await post(zhang, visit(), key).expect(201);
    expect(first.body.created).toBe(true);
    expect(first.body.entry).toMatchObject({ room: 'HPL', kind: 'household_visit', kindLabel: '入户走访', place: '和平里社区', count: 12, note: '3号楼走访独居老人', officer: { id: zhang.id, name: '张伟' } });
    expect(first.body.entry.at).toBe('2026-12-03T01:30:00.000Z');
    const again = await post(zhang, visit(), key).expect(200);
    expect(again.body).toMatchObject({ created: false, entry: { id: first.body.entry.id } });

    const burstKey = newKey();
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(zhang, visit({ kind: 'patrol', count: null, note: '' }), burstKey)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.entry.id)).size).toBe(1);

    expect(await WorkLogModel.countDocuments({ key })).toBe(1);
    expect(await WorkLogModel.countDocuments({ key: burstKey })).toBe(1);
    expect(await AuditModel.countDocuments({ action: 'worklog.create', officer: zhang.id })).toBe(2);
  });

  it('refuses a key reused for a different entry (409) and keeps the first', async () => {
    const key = newKey();
    await post(zhang, visit({ count: 3 }), key).expect(201);
    const res = await post(zhang, visit({ count: 30 }), key).expect(409);
    expect(res.body.error.code).toBe('idempotency_key_reused');
    expect((await WorkLogModel.findOne({ key }).lean())!.count).toBe(3);
  });

  it('lets an officer of several rooms log in either, naming the room and one of its places', async () => {
    await post(liu, visit({ place: '和平广场' })).expect(400); // no room given: which one?
    const ok = await post(liu, visit({ room: 'LD01', kind: 'publicity', place: '柳树镇集市', count: 200 })).expect(201);
    expect(ok.body.entry).toMatchObject({ room: 'LD01', place: '柳树镇集市' });
    await post(liu, visit({ room: 'LSC', kind: 'inspection', place: '柳树村', count: 4 })).expect(201);
  });

  it.each([
    ['an unknown kind', visit({ kind: 'karaoke' }), 'validation_failed'],
    ['a kind in Chinese instead of its key', visit({ kind: '入户走访' }), 'validation_failed'],
    ['a date that is no date', visit({ at: '2026-13-45T09:00:00+08:00' }), 'validation_failed'],
    ['a date without its zone', visit({ at: '2026-12-03 09:30' }), 'validation_failed'],
    ['a date in words', visit({ at: '明天上午' }), 'validation_failed'],
    ['a time in the future', visit({ at: '2026-12-04T09:00:00+08:00' }), 'at_in_future'],
    ['a time long ago', visit({ at: '2026-08-01T09:00:00+08:00' }), 'at_too_old'],
    ['a place outside the room’s areas', visit({ place: '柳树村' }), 'place_not_in_room'],
    ['a made-up place', visit({ place: '<script>alert(1)</script>' }), 'place_not_in_room'],
    ['an oversized note', visit({ note: '长'.repeat(501) }), 'validation_failed'],
    ['a negative count', visit({ count: -1 }), 'validation_failed'],
    ['a fractional count', visit({ count: 2.5 }), 'validation_failed'],
    ['a count as text', visit({ count: '十二' }), 'validation_failed'],
    ['an unknown field', visit({ officer: 'someone-else' }), 'validation_failed'],
    ['an empty body', {}, 'validation_failed'],
    ['a list instead of an object', [visit()], 'validation_failed'],
  ])('answers 400 for %s, with a Chinese message, and stores nothing', async (_what, body, code) => {
    const before = await WorkLogModel.countDocuments({});
    const res = await post(zhang, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(/^[\u4e00-\u9fa5]/);
    expect(await WorkLogModel.countDocuments({})).toBe(before);
  });

  it('needs an idempotency key of a sane shape', async () => {
    expect((await post(zhang, visit(), null).expect(400)).body.error.message).toContain('Idempotency-Key');
    await post(zhang, visit(), 'short').expect(400);
    await post(zhang, visit(), 'has spaces in it!!').expect(400);
  });

  it("refuses another room's work: an officer logging for a room not theirs (403), supervisors and admins do not log (403), no session (401), no CSRF (403)", async () => {
    const before = await WorkLogModel.countDocuments({});
    expect((await post(wang, visit({ room: 'HPL' })).expect(403)).body.error.message).toMatch(/^无权/);
    await post(zhang, visit({ room: 'NOPE1' })).expect(404);
    await post(chief, visit({ room: 'HPL' })).expect(403);
    await post(admin, visit({ room: 'HPL' })).expect(403);
    await request(app.callback()).post('/api/work-log').set('Idempotency-Key', newKey()).send(visit()).expect(401);
    await zhang.agent.post('/api/work-log').set('Idempotency-Key', newKey()).send(visit()).expect(403);
    expect(await WorkLogModel.countDocuments({})).toBe(before);
  });
});

describe('reading the log', () => {
  it('groups entries by calendar month in Beijing time, whatever the UTC date', async () => {
    // 2026-11-30 23:30 in Beijing is still November there (15:30 UTC); 2026-12-01 00:10 is December (16:10 UTC on Nov 30).
    const lateNov = await post(wang, visit({ room: 'LSC', place: '柳树村', at: '2026-11-30T15:30:00Z', kind: 'patrol' })).expect(201);
    const earlyDec = await post(wang, visit({ room: 'LSC', place: '柳树村', at: '2026-11-30T16:10:00Z', kind: 'mediation' })).expect(201);
    const nov = await wang.agent.get('/api/work-log?month=2026-11').expect(200);
    const dec = await wang.agent.get('/api/work-log?month=2026-12').expect(200);
    expect(nov.body.entries.map((e: { id: string }) => e.id)).toContain(lateNov.body.entry.id);
    expect(nov.body.entries.map((e: { id: string }) => e.id)).not.toContain(earlyDec.body.entry.id);
    expect(dec.body.entries.map((e: { id: string }) => e.id)).toContain(earlyDec.body.entry.id);
    expect(dec.body.counts.mediation).toBe(1);
    expect(nov.body.counts.patrol).toBe(1);
    // the default month is this month in Beijing
    expect((await wang.agent.get('/api/work-log').expect(200)).body.month).toBe('2026-12');
  });

  it('shows officers their own entries, supervisors their district, admins everything, and refuses the rest', async () => {
    const mine = await zhang.agent.get('/api/work-log?month=2026-12').expect(200);
    expect(mine.body.entries.length).toBeGreaterThan(0);
    expect(mine.body.entries.every((e: { officer: { id: string } }) => e.officer.id === zhang.id)).toBe(true);
    await zhang.agent.get(`/api/work-log?month=2026-12&officer=${wang.id}`).expect(403);
    await wang.agent.get('/api/work-log?month=2026-12&room=HPL').expect(403);
    const district = await chief.agent.get('/api/work-log?month=2026-12').expect(200);
    expect(new Set(district.body.entries.map((e: { room: string }) => e.room))).toEqual(new Set(['HPL', 'LSC', 'LD01']));
    const byOfficer = await chief.agent.get(`/api/work-log?month=2026-12&officer=${wang.id}`).expect(200);
    expect(byOfficer.body.entries.every((e: { officer: { id: string } }) => e.officer.id === wang.id)).toBe(true);
    expect((await chief.agent.get('/api/work-log?month=2026-12&room=HPL').expect(200)).body.entries.every((e: { room: string }) => e.room === 'HPL')).toBe(true);
    expect((await otherChief.agent.get('/api/work-log?month=2026-12').expect(200)).body.entries).toEqual([]);
    await otherChief.agent.get('/api/work-log?month=2026-12&room=HPL').expect(403);
    expect((await admin.agent.get('/api/work-log?month=2026-12').expect(200)).body.entries.length).toBe(district.body.entries.length);
    await zhang.agent.get('/api/work-log?month=2026-13').expect(400);
    await zhang.agent.get('/api/work-log?month=12/2026').expect(400);
    await zhang.agent.get('/api/work-log?officer=nope').expect(400);
    await request(app.callback()).get('/api/work-log').expect(401);
  });

  it('gives the page its kinds and the officer’s rooms with their places', async () => {
    const res = await liu.agent.get('/api/work-log/options').expect(200);
    expect(res.body.kinds.map((k: { key: string }) => k.key)).toEqual(['household_visit', 'patrol', 'publicity', 'inspection', 'briefing', 'mediation', 'other']);
    expect(res.body.kinds[0].label).toBe('入户走访');
    expect(res.body.rooms).toEqual([
      expect.objectContaining({ code: 'LD01', places: ['和平广场', '柳树镇集市', '东河镇'], type: 'mobile' }),
      expect.objectContaining({ code: 'LSC', places: ['柳树村'], type: 'rural' }),
    ]);
    expect(res.body.canWrite).toBe(true);
    expect((await chief.agent.get('/api/work-log/options').expect(200)).body.canWrite).toBe(false);
  });
});

describe('photos', () => {
  it('strips EXIF (GPS, device) from a photo, stores a repeated upload of a slot once, and shows it only to the room', async () => {
    const entry = (await post(zhang, visit({ note: '带照片' })).expect(201)).body.entry as { id: string };
    const url = `/api/work-log/${entry.id}/photos/0`;
    // Sent three times at once (a retry racing the first try), then once more.
    const burst = await Promise.all([1, 2, 3].map(() => zhang.agent.put(url).set('X-CSRF-Token', zhang.csrf).attach('file', JPEG, 'IMG_0001.jpg')));
    expect(burst.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    const first = burst.find((r) => r.status === 201)!;
    const again = await zhang.agent.put(url).set('X-CSRF-Token', zhang.csrf).attach('file', JPEG, 'IMG_0001.jpg').expect(200);
    expect(new Set([...burst, again].map((r) => r.body.photo.id))).toEqual(new Set([first.body.photo.id]));
    expect(await AttachmentModel.countDocuments({ workLog: entry.id })).toBe(1);
    // the copies made for the losing tries are not left on disk
    expect(readdirSync(path.join(dataDir, 'attachments')).length).toBe(await AttachmentModel.countDocuments({}));

    const listed = await zhang.agent.get('/api/work-log?month=2026-12').expect(200);
    const withPhoto = listed.body.entries.find((e: { id: string }) => e.id === entry.id);
    expect(withPhoto.photos).toEqual([expect.objectContaining({ slot: 0, id: first.body.photo.id, url: `/api/attachments/${first.body.photo.id}`, mime: 'image/jpeg' })]);

    const img = (await zhang.agent.get(`/api/attachments/${first.body.photo.id}`).expect(200)).body as Buffer;
    const meta = await sharp(img).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 40, height: 30 });
    expect(meta.exif).toBeUndefined();
    expect(img.includes('OfficerPhone')).toBe(false);
    await chief.agent.get(`/api/attachments/${first.body.photo.id}`).expect(200);
    await wang.agent.get(`/api/attachments/${first.body.photo.id}`).expect(404);
    expect(await AuditModel.countDocuments({ action: 'attachment.view', room: 'HPL', detail: `工作日志图片 ${first.body.photo.id}` })).toBe(2);
  });

  it("refuses photos on another officer's entry, a bad slot, and what is not a picture", async () => {
    const entry = (await post(zhang, visit()).expect(201)).body.entry as { id: string };
    await wang.agent.put(`/api/work-log/${entry.id}/photos/0`).set('X-CSRF-Token', wang.csrf).attach('file', JPEG, 'a.jpg').expect(404);
    const colleague = await signIn({ username: 'wl_lina', name: '李娜', rooms: ['HPL'], district: 'XH' });
    await colleague.agent.put(`/api/work-log/${entry.id}/photos/0`).set('X-CSRF-Token', colleague.csrf).attach('file', JPEG, 'a.jpg').expect(403);
    await zhang.agent.put(`/api/work-log/${entry.id}/photos/6`).set('X-CSRF-Token', zhang.csrf).attach('file', JPEG, 'a.jpg').expect(400);
    await zhang.agent.put(`/api/work-log/${entry.id}/photos/x`).set('X-CSRF-Token', zhang.csrf).attach('file', JPEG, 'a.jpg').expect(400);
    const text = await zhang.agent.put(`/api/work-log/${entry.id}/photos/1`).set('X-CSRF-Token', zhang.csrf).attach('file', Buffer.from('not a picture at all'), 'a.jpg').expect(415);
    expect(text.body.error.message).toMatch(/^只能上传/);
    await zhang.agent.put(`/api/work-log/ffffffffffffffffffffffff/photos/0`).set('X-CSRF-Token', zhang.csrf).attach('file', JPEG, 'a.jpg').expect(404);
    expect(await AttachmentModel.countDocuments({ workLog: entry.id })).toBe(0);
  });
});

describe('monthly targets per room type', () => {
  it('are set by an admin (audited), read by everyone signed in, and refused to supervisors and officers', async () => {
    const put = await admin.agent.put('/api/work-log/targets/urban').set('X-CSRF-Token', admin.csrf).send({ targets: { household_visit: 20, patrol: 8 } }).expect(200);
    const urban = put.body.roomTypes.find((t: { type: string }) => t.type === 'urban');
    expect(urban).toMatchObject({ label: '城市社区警务室', targets: { household_visit: 20, patrol: 8, publicity: null, other: null } });
    expect((await zhang.agent.get('/api/work-log/targets').expect(200)).body.roomTypes.find((t: { type: string }) => t.type === 'urban').targets.household_visit).toBe(20);
    await chief.agent.put('/api/work-log/targets/urban').set('X-CSRF-Token', chief.csrf).send({ targets: { household_visit: 1 } }).expect(403);
    await zhang.agent.put('/api/work-log/targets/urban').set('X-CSRF-Token', zhang.csrf).send({ targets: { household_visit: 1 } }).expect(403);
    await admin.agent.put('/api/work-log/targets/castle').set('X-CSRF-Token', admin.csrf).send({ targets: {} }).expect(400);
    await admin.agent.put('/api/work-log/targets/urban').set('X-CSRF-Token', admin.csrf).send({ targets: { household_visit: -3 } }).expect(400);
    await admin.agent.put('/api/work-log/targets/urban').set('X-CSRF-Token', admin.csrf).send({ targets: { karaoke: 3 } }).expect(400);
    await admin.agent.put('/api/work-log/targets/urban').set('X-CSRF-Token', admin.csrf).send({ targets: { household_visit: '二十' } }).expect(400);
    expect((await admin.agent.get('/api/work-log/targets').expect(200)).body.roomTypes.find((t: { type: string }) => t.type === 'urban').targets).toMatchObject({ household_visit: 20, patrol: 8 });
    expect(await AuditModel.countDocuments({ action: 'worklog.targets' })).toBe(1);
  });
});
