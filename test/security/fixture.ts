import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { DateTime } from 'luxon';
import mongoose from 'mongoose';
import request from 'supertest';
import type { Config } from '../../src/config';
import { buildRouters } from '../../src/http/routes';
import type { Logger } from '../../src/logging/logger';
import { storeAttachment } from '../../src/modules/attachments';
import { GroupBindingModel } from '../../src/modules/groups/group.model';
import { createItem } from '../../src/modules/items/item.service';
import { ItemModel } from '../../src/modules/items/item.model';
import { OfficerNotificationModel } from '../../src/modules/notices/notification.model';
import { RoomModel } from '../../src/modules/rooms/room.model';
import { TEMPLATE_DEFINITIONS } from '../../src/modules/templates/template.defaults';
import { testConfig } from '../helpers/app';
import { createOfficer } from '../helpers/auth';
import { startDemoServer, type DemoServer, type HttpApp } from '../helpers/server';

/** An endpoint as the routers declare it. */
export interface Endpoint {
  method: string;
  path: string;
}

/** Every endpoint of the app, read from the routers themselves: a new endpoint is covered the day it is added. */
export function allEndpoints(config: Config, logger: Logger): Endpoint[] {
  const list: Endpoint[] = [];
  const seen = new Set<string>();
  for (const router of buildRouters({ config, logger })) {
    for (const layer of router.stack) {
      if (typeof layer.path !== 'string') throw new Error(`a RegExp route (${String(layer.path)}) cannot be enumerated; use string paths`);
      for (const method of layer.methods) {
        if (method === 'HEAD') continue;
        const key = `${method} ${layer.path}`;
        if (seen.has(key)) continue;
        seen.add(key);
        list.push({ method, path: layer.path });
      }
    }
  }
  return list;
}

export const key = (e: Endpoint) => `${e.method} ${e.path}`;

/**
 * Endpoints residents (or probes) reach without an officer session, each with the reason it
 * is public and what protects it instead. Anything not listed here is an officer endpoint and
 * must refuse a caller without a valid session.
 */
export const PUBLIC_ENDPOINTS: Record<string, string> = {
  'GET /healthz': 'liveness probe; answers ok and nothing else',
  'GET /api/openapi.json': 'the API described (OpenAPI 3.1): routes and shapes only, no data and no secrets',
  'GET /api/chat/conversations/:id/events': "a resident's own live chat feed, reached only with the unguessable conversation id (like the messages feed)",
  'POST /api/status': 'the residents\' status look-up: a booking number, item code, or tip code with its secret; shows no names, numbers or text; tip look-ups audited',
  'GET /api/verification-codes': 'tells the booking page whether SMS codes are needed (no data)',
  'POST /api/verification-codes': 'asks for an SMS code for a phone number; same answer whether or not the number has bookings; rate-limited',
  'POST /api/verification-codes/check': 'turns a right code into a short management token for that number only',
  'GET /channels/wecom/callback': "WeCom's URL verification; answers only a correctly signed echostr",
  'POST /channels/wecom/callback': 'WeCom event callback; signed and encrypted by WeCom, refused otherwise',
  'GET /readyz': 'readiness probe for the load balancer; no data',
  'POST /api/auth/login': 'signing in (guarded by the lockout)',
  'GET /api/rooms': 'the public directory of police rooms (name, address, hours) shown to residents',
  'GET /api/rooms/:code': 'one room of the public directory',
  'GET /api/services': 'the public catalogue of the 21 services',
  'GET /api/services/:key': 'one service of the public catalogue (materials, steps)',
  'POST /api/appointments': 'residents book an appointment (rate-limited per phone by policy)',
  'GET /api/appointments/:code': 'a resident reads a booking with code + mobile number; the .ics needs the code and carries no personal data',
  'POST /api/appointments/:code/cancel': 'a resident cancels with code + mobile number',
  'POST /api/appointments/:code/reschedule': 'a resident reschedules with code + mobile number',
  'GET /api/rooms/:code/slots': 'free appointment slots (counts only), for the booking page',
  'GET /api/holidays': 'closures and holidays, so residents know when rooms are closed',
  'POST /api/tips': 'anyone may submit a tip, anonymously too (rate-limited per IP)',
  'GET /api/tips/:code': 'the tipster reads replies with code + X-Tip-Secret (rate-limited)',
  'POST /api/tips/:code/messages': 'the tipster writes again with code + X-Tip-Secret',
  'POST /api/tips/:code/attachments': 'the tipster adds an image with code + X-Tip-Secret',
  'POST /api/tips/:code/rating': 'the tipster rates a resolved tip with code + X-Tip-Secret',
  'POST /api/chat/messages': 'the resident web chat (rate-limited per conversation and IP)',
  'GET /api/chat/conversations/:id/messages': "officers' replies for one web conversation; the 128-bit conversation id is the key",
  'GET /api/surveys/:token': 'a satisfaction survey, opened by its random token',
  'POST /api/surveys/:token': 'answering a satisfaction survey by its random token',
};

/**
 * Officer endpoints that answer an officer of another room with a 2xx by design: they act on
 * or list only the caller's own session, rooms or district. For these the test requires the
 * answer to carry none of room HPL's records instead of a refusal.
 */
export const SCOPED_ENDPOINTS: Record<string, string> = {
  'GET /api/me': "the caller's own account",
  'POST /api/auth/logout': "ends the caller's own session (tried with a throwaway session)",
  'GET /api/inbox/events': "live updates of the caller's rooms only (checked separately: no HPL event reaches an LSC stream)",
  'POST /api/inbox/next': "takes the next item from the caller's rooms' queue",
  'GET /api/officers': "supervisors list their district's officers",
  'GET /api/groups': "supervisors list their district's bound groups",
  'GET /api/mobile-visits': "the caller's rooms' mobile-station stops",
  'GET /api/broadcasts': "the caller's rooms' broadcasts",
  'GET /api/broadcasts/groups': "the groups bound to the caller's rooms",
  'GET /api/jobs/upcoming': "scheduled runs for the caller's rooms (and service-wide ones)",
  'GET /api/jobs/runs': "past runs for the caller's rooms (and service-wide ones)",
  'GET /api/jobs/notifications': "the caller's own notices",
  'GET /api/reports/scope': 'the rooms and officers the caller may open in the reports page',
  'POST /api/account/password': "changes the caller's own password (needs the current one)",
  'GET /api/account/sessions': "the caller's own sessions",
  'DELETE /api/account/sessions/:id': "ends one of the caller's own sessions (another's id is a no-op)",
  'POST /api/account/sessions/end-others': "ends the caller's own other sessions",
  'GET /api/admin/rooms': "supervisors see their district's rooms read-only",
  'GET /api/admin/channels': "the WeChat bots' state (no room data) for admins and supervisors",
  'GET /api/work-log/options': "the work-log kinds and the caller's own rooms with their places",
  'GET /api/work-log/targets': 'the monthly work-log targets per room type (no room data)',
  // 网上课堂 is one board for all staff (officers learn from each other's questions); it holds no
  // residents' data (numbers masked on save) and a question's room only says whose month counts.
  'GET /api/classroom/options': "the categories and the caller's own rooms",
  'GET /api/classroom/questions': '网上课堂: the questions of the staff-wide board',
  'POST /api/classroom/questions': "asks on the staff-wide board, counted in the caller's own room",
  'GET /api/classroom/questions/:id': '网上课堂: a question of the staff-wide board',
  'POST /api/classroom/questions/:id/answers': 'any supervisor or admin answers on the staff-wide board',
  'POST /api/classroom/questions/:id/faq-proposals': 'any supervisor or admin proposes an answer for the FAQ (an admin reviews it)',
  'GET /api/classroom/faq-proposals': 'proposals for the residents\' FAQ (no room data)',
};

export interface Session {
  username: string;
  id: string;
  cookie: string;
  csrf: string;
}

export async function signIn(server: Server, username: string, password: string): Promise<Session> {
  const res = await request(server).post('/api/auth/login').send({ username, password });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).find((c) => c.startsWith('pr_session='));
  if (!cookie) throw new Error('no session cookie');
  return { username, id: res.body.officer.id, cookie, csrf: res.body.csrfToken };
}

export const PASSWORD = 'Secure-pass-2025';
// Another district, with a room and a supervisor of its own.
export const OTHER_DISTRICT = 'QT';

/** Room HPL's records, created through the APIs (or services) the way they arise in use. */
export interface HplRecords {
  itemId: string;
  itemCode: string;
  itemText: string;
  tipId: string;
  tipCode: string;
  tipSecret: string;
  tipText: string;
  apptCode: string;
  apptPhone: string;
  cannedId: string;
  holidayId: string;
  visitId: string;
  visitPlace: string;
  workLogId: string;
  broadcastId: string;
  broadcastTitle: string;
  attachmentId: string;
  /** A resident's voice recording (AMR) on HPL's item. */
  voiceAttachmentId: string;
  notificationId: string;
  talkDayPlace: string;
  templateText: string;
  faqId: string;
  /** A 网上课堂 question and an FAQ proposal made from it (by the district's supervisor). */
  classroomQuestionId: string;
  classroomProposalId: string;
  /** Strings that may only appear in answers to those allowed to see room HPL. */
  markers: string[];
}

export interface World {
  hpl: Session;
  lsc: Session;
  supXh: Session;
  supOther: Session;
  admin: Session;
  officerIds: Record<string, string>;
  records: HplRecords;
}

const PNG_1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

export const today = () => DateTime.now().setZone('Asia/Shanghai').toISODate()!;
export const inDays = (n: number) => DateTime.now().setZone('Asia/Shanghai').plus({ days: n }).toISODate()!;

/** Officers of HPL, LSC, the XH supervisor, a supervisor of another district, an admin; and HPL's records. */
export async function buildWorld(server: Server): Promise<World> {
  await RoomModel.create({
    code: 'QT01',
    name: '青塘警务室',
    type: 'urban',
    district: OTHER_DISTRICT,
    districtName: '青塘区',
    address: '青塘路1号',
    phone: '0311-00000000',
    hoursText: '周一至周五 9:00-17:00',
  });
  const ids: Record<string, string> = {};
  for (const o of [
    { username: 'sec_hpl', name: '和平里民警', rooms: ['HPL'], district: 'XH' },
    { username: 'sec_lsc', name: '柳树村民警', rooms: ['LSC'], district: 'XH' },
    { username: 'sec_sup_xh', name: '新华区督导', role: 'supervisor' as const, district: 'XH' },
    { username: 'sec_sup_qt', name: '青塘区督导', role: 'supervisor' as const, district: OTHER_DISTRICT },
    { username: 'sec_admin', name: '管理员', role: 'admin' as const },
    { username: 'sec_qt_officer', name: '青塘民警', rooms: ['QT01'], district: OTHER_DISTRICT },
    // The target of password resets (resetting sec_hpl would end the session the suites use).
    { username: 'sec_hpl_spare', name: '和平里备勤民警', rooms: ['HPL'], district: 'XH' },
  ]) {
    ids[o.username] = (await createOfficer({ ...o, password: PASSWORD })).id;
  }
  const [hpl, lsc, supXh, supOther, admin] = await Promise.all(
    ['sec_hpl', 'sec_lsc', 'sec_sup_xh', 'sec_sup_qt', 'sec_admin'].map((u) => signIn(server, u, PASSWORD)),
  );
  const as = (s: Session) => ({
    get: (p: string) => request(server).get(p).set('Cookie', s.cookie),
    post: (p: string, body: object = {}) => request(server).post(p).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).send(body),
    put: (p: string, body: object) => request(server).put(p).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).send(body),
  });
  const ok = (res: request.Response, what: string) => {
    if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const H = as(hpl);

  const itemText = '和平里机密纠纷甲：三号楼邻居装修半夜施工';
  const item = await createItem({ room: 'HPL', kind: 'dispute', text: itemText, origin: { channel: 'web', conversationId: 'sec-conv-hpl-0000000001', isGroup: false } });

  const tipText = '和平里机密线索乙：五号楼地下室有人聚赌';
  const tip = ok(await request(server).post('/api/tips').send({ room: 'HPL', text: tipText, anonymous: true }), 'tip');
  const tipDoc = await ItemModel.findOne({ code: tip.code }, { _id: 1 }).lean();

  // A booking through the public API on the first free slot.
  const apptPhone = '13912340001';
  const slots = ok(await request(server).get('/api/rooms/HPL/slots?service=hukou_item_change&days=14'), 'slots');
  const slot = (slots.data as Array<{ start: string; remaining: number }>).find((s) => s.remaining > 0);
  if (!slot) throw new Error('no free slot at HPL in the next 14 days');
  const appt = ok(
    await request(server).post('/api/appointments').send({ room: 'HPL', service: 'hukou_item_change', start: slot.start, name: '王芳', phone: apptPhone, materialsConfirmed: true }),
    'booking',
  );
  const apptCode = appt.code ?? appt.appointment?.code;
  if (!apptCode) throw new Error(`no code in booking answer ${JSON.stringify(appt)}`);
  ok(await H.post(`/api/appointments/${apptCode}/notes`, { text: '和平里机密备注丙' }), 'appointment note');

  // An HPL 调解员 (a volunteer account, issue 20); the HPL dispute above is what officers give it.
  const mediator = ok(
    await as(admin).post('/api/volunteers', { username: 'sec_hpl_mediator', name: '和平里调解员', room: 'HPL', team: 'mediator', password: PASSWORD }),
    'volunteer',
  );
  ids.sec_hpl_mediator = mediator.volunteer.id;
  fixtureCodes.dispute = item.code;

  const talkDayPlace = '和平里社区服务中心机密会议室丁';
  ok(
    await H.put('/api/rooms/HPL/talk-day', { enabled: true, place: talkDayPlace, startTime: '09:00', endTime: '11:30', topic: '防范电信网络诈骗', rule: 'next_working_day', daysBefore: 3, months: [] }),
    'talk day',
  );

  await GroupBindingModel.create({ groupId: 'g-sec-hpl', room: 'HPL', topic: '和平里机密群戊', boundVia: 'code', boundAt: new Date() });
  // A second HPL group: the one unbinding is tried on (the first stays for the lists' checks).
  await GroupBindingModel.create({ groupId: 'g-sec-hpl-spare', room: 'HPL', topic: '和平里备用群', boundVia: 'code', boundAt: new Date() });
  const broadcastTitle = '和平里机密通报己';
  const broadcast = ok(
    await H.post('/api/broadcasts', {
      room: 'HPL',
      kind: 'prevention_tip',
      title: broadcastTitle,
      body: '近期有冒充快递理赔的诈骗电话，请勿转账。',
      groups: ['g-sec-hpl'],
      sendAt: DateTime.now().plus({ days: 2 }).toISO(),
    }),
    'broadcast',
  ).broadcast;

  const visitPlace = '和平里机密停靠点庚';
  const start = DateTime.now().plus({ days: 3 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 });
  const visit = ok(
    await H.post('/api/mobile-visits', { room: 'HPL', place: visitPlace, start: start.toISO(), end: start.plus({ hours: 2 }).toISO(), targetRooms: ['HPL'] }),
    'mobile visit',
  ).visit;

  const workLog = ok(
    await request(server)
      .post('/api/work-log')
      .set('Cookie', hpl.cookie)
      .set('X-CSRF-Token', hpl.csrf)
      .set('Idempotency-Key', 'sec-hpl-work-log-1')
      .send({ kind: 'household_visit', at: DateTime.now().minus({ hours: 2 }).toISO(), place: '和平里社区', count: 5, note: '和平里机密走访寅' }),
    'work log',
  ).entry;

  const canned = ok(await H.post('/api/inbox/canned', { room: 'HPL', title: '和平里机密常用语辛', text: '您好，已收到。' }), 'canned').cannedReply;
  const holiday = ok(await H.post('/api/holidays', { room: 'HPL', date: inDays(20), kind: 'closure', name: '和平里机密闭室壬' }), 'holiday').entry;
  const templateText = TEMPLATE_DEFINITIONS.find((d) => d.key === 'talkday.before')!.text.replace('欢迎居民朋友到场交流', '和平里机密模板癸');
  ok(await H.put('/api/templates/talkday.before', { room: 'HPL', text: templateText }), 'template');

  const upload = await request(server)
    .post(`/api/inbox/${String(item._id)}/attachments`)
    .set('Cookie', hpl.cookie)
    .set('X-CSRF-Token', hpl.csrf)
    .attach('file', PNG_1x1, { filename: 'a.png', contentType: 'image/png' });
  const attachmentId = ok(upload, 'attachment').message.attachments?.[0]?.id ?? ok(upload, 'attachment').message.images?.[0]?.id;
  if (!attachmentId) throw new Error(`no attachment id in ${JSON.stringify(upload.body)}`);
  // Voice comes only from WeChat (no upload route): stored the way the channel stores it, where the app reads.
  const voice = await storeAttachment({
    dataDir: testConfig().DATA_DIR,
    maxBytes: 1024 * 1024,
    item,
    buffer: readFileSync(path.join(__dirname, '../fixtures/voice/resident.amr')),
    source: 'wechat',
    uploadedBy: 'resident',
    audio: true,
  });

  const notification = await OfficerNotificationModel.create({ key: 'sec:hpl:1', officer: ids.sec_hpl, kind: 'sla_officer', room: 'HPL', item: item._id, text: '和平里机密提醒子', at: new Date() });
  const faq = ok(await as(admin).get('/api/faq'), 'faq').faq[0];

  const S = as(supXh);
  const classroomQuestion = ok(await S.post('/api/classroom/questions', { category: 'system', title: '督导的系统问题', body: '预约改期后短信没有发出怎么办？' }), 'classroom question').question;
  ok(await S.post(`/api/classroom/questions/${classroomQuestion.id}/answers`, { body: '到任务页查看发送记录，失败的可以重发。' }), 'classroom answer');
  const classroomProposal = ok(
    await S.post(`/api/classroom/questions/${classroomQuestion.id}/faq-proposals`, { faqQuestion: '预约改期后没收到短信怎么办？', faqAnswer: '请联系警务室，民警会为您重发。' }),
    'classroom proposal',
  ).proposal;

  const records: HplRecords = {
    itemId: String(item._id),
    itemCode: item.code,
    itemText,
    tipId: String(tipDoc!._id),
    tipCode: tip.code,
    tipSecret: tip.secret,
    tipText,
    apptCode,
    apptPhone,
    cannedId: canned.id,
    holidayId: holiday.id,
    visitId: visit.id,
    visitPlace,
    workLogId: workLog.id,
    broadcastId: broadcast.id,
    broadcastTitle,
    attachmentId,
    voiceAttachmentId: String(voice._id),
    notificationId: String(notification._id),
    talkDayPlace,
    templateText,
    faqId: faq.id,
    classroomQuestionId: classroomQuestion.id,
    classroomProposalId: classroomProposal.id,
    markers: [],
  };
  records.markers = [
    records.itemId,
    records.itemCode,
    '和平里机密',
    records.tipId,
    records.tipCode,
    records.apptCode,
    records.cannedId,
    records.holidayId,
    records.visitId,
    records.workLogId,
    records.broadcastId,
    records.attachmentId,
    records.voiceAttachmentId,
    records.notificationId,
    'g-sec-hpl',
    'sec_hpl',
    '和平里民警',
    ids.sec_hpl,
  ];
  return { hpl, lsc, supXh, supOther, admin, officerIds: ids, records };
}

/** The concrete URL for an endpoint, aimed at room HPL's records. Throws for a parameter it does not know. */
export function fillPath(e: Endpoint, r: HplRecords, officerIds: Record<string, string>, variant: 'item' | 'tip' = 'item'): string {
  const p = e.path;
  const by: Array<[RegExp, string]> = [
    [/^\/api\/appointments\/:code/, r.apptCode],
    [/^\/api\/volunteers\/:id/, officerIds.sec_hpl_mediator],
    [/^\/api\/volunteer\/disputes\/:code/, r.itemCode],
    [/^\/api\/rooms\/:code/, 'HPL'],
    [/^\/api\/tips\/:code/, r.tipCode],
    [/^\/api\/inbox\/canned\/:cid/, r.cannedId],
    [/^\/api\/inbox\/:id/, variant === 'tip' ? r.tipId : r.itemId],
    [/^\/api\/holidays\/:id/, r.holidayId],
    [/^\/api\/officers\/:id\/reset-password/, officerIds.sec_hpl_spare],
    [/^\/api\/officers\/:id/, officerIds.sec_hpl],
    [/^\/api\/admin\/rooms\/:code/, 'HPL'],
    [/^\/api\/groups\/:groupId/, 'g-sec-hpl-spare'],
    [/^\/api\/account\/sessions\/:id/, '65f000000000000000000000'],
    [/^\/api\/attachments\/:id\/playable/, r.voiceAttachmentId],
    [/^\/api\/attachments\/:id/, r.attachmentId],
    [/^\/api\/mobile-visits\/:id/, r.visitId],
    [/^\/api\/work-log\/targets\/:type/, 'urban'],
    [/^\/api\/work-log\/:id\/photos\/:slot/, r.workLogId],
    [/^\/api\/broadcasts\/:id/, r.broadcastId],
    [/^\/api\/templates\/:key/, 'talkday.before'],
    [/^\/api\/jobs\/notifications\/:id/, r.notificationId],
    [/^\/api\/reports\/chart\/:name/, 'ranking.svg'],
    [/^\/api\/faq\/:id/, r.faqId],
    [/^\/api\/classroom\/questions\/:id/, r.classroomQuestionId],
    [/^\/api\/classroom\/faq-proposals\/:id/, r.classroomProposalId],
    [/^\/api\/services\/:key/, 'hukou_item_change'],
    [/^\/api\/surveys\/:token/, 'x'.repeat(32)],
    [/^\/api\/chat\/conversations\/:id/, 'A'.repeat(22)],
    [/^\/api\/channels\/wecom\/groups\/:chatId/, 'wr-sec-hpl'],
    [/^\/api\/channels\/wecom\/rooms\/:code/, 'HPL'],
  ];
  if (!p.includes(':')) return p;
  for (const [re, value] of by) if (re.test(p)) return p.replace(/:[A-Za-z_]+/, value).replace(/:slot\b/, '0');
  throw new Error(`no HPL value for the parameter in ${key(e)}: add one to fillPath in test/security/fixture.ts`);
}

/** Query strings aimed at room HPL (several variants where the endpoint takes several kinds of scope). */
export function queriesFor(e: Endpoint, officerIds: Record<string, string>): Array<Record<string, string>> {
  if (e.method !== 'GET' && e.method !== 'DELETE') return [{}];
  if (e.path.startsWith('/api/reports/')) return [{ room: 'HPL' }, { district: 'XH' }, { officer: officerIds.sec_hpl }];
  if (e.path === '/api/rooms/:code/day') return [{ date: today() }];
  if (e.path === '/api/admin/bot-qr.svg') return [{ bot: 'wechat' }];
  return [{ room: 'HPL' }];
}

/** Codes of HPL records that bodies name (set when the world is built). */
const fixtureCodes: { dispute?: string } = {};

/** A body that passes validation, aimed at room HPL, so only access control can refuse it. */
export function bodyFor(e: Endpoint, officerIds: Record<string, string>): object {
  const k = key(e);
  const start = DateTime.now().plus({ days: 4 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
  const bodies: Record<string, object> = {
    'POST /api/channels/wecom/groups/sync': { owners: ['sec_hpl'] },
    'PUT /api/channels/wecom/groups/:chatId': { room: 'HPL' },
    'PUT /api/channels/wecom/rooms/:code/robot': { key: null },
    'POST /api/channels/wecom/rooms/:code/contact-link': {},
    'POST /api/appointments/:code/notes': { text: '越权备注' },
    'POST /api/appointments/:code/to-item': { text: '越权转为事项' },
    'POST /api/volunteers': { username: 'sec_vol_intruder', name: '越权志愿者', room: 'HPL', team: 'informant', password: PASSWORD },
    'POST /api/volunteers/:id/disputes': { item: fixtureCodes.dispute },
    'PATCH /api/volunteers/:id': { name: '越权改名' },
    'POST /api/volunteer/tips': { text: '越权线索' },
    'POST /api/volunteer/disputes/:code/notes': { text: '越权调解记录' },
    'POST /api/rooms/:code/walk-ins': { service: 'hukou_item_change' },
    'PUT /api/rooms/:code/schedule': {
      slotMinutes: 30,
      capacity: 3,
      walkInShare: 0.25,
      bookingOpensDays: 14,
      bookingClosesMinutes: 60,
      weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '09:00', close: '17:00' })),
    },
    'POST /api/holidays': { room: 'HPL', date: inDays(25), kind: 'closure', name: '越权闭室' },
    'POST /api/rooms': { code: 'SEC99', name: '越权警务室', type: 'urban', district: 'XH', districtName: '新华区', address: '某路', phone: '110', hoursText: '全天' },
    'PUT /api/rooms/:code': { name: '越权改名' },
    'POST /api/officers': { username: 'sec_intruder', name: '越权', rooms: ['HPL'] },
    'PUT /api/officers/:id': { name: '越权改名' },
    'PUT /api/admin/rooms/:code/officers': { officerIds: [officerIds.sec_hpl, officerIds.sec_hpl_spare] },
    'POST /api/faq/try': { text: '身份证丢了怎么补办' },
    // The same password again: refused by the rule (password_unchanged) after access was granted.
    'POST /api/account/password': { currentPassword: PASSWORD, newPassword: PASSWORD },
    'POST /api/inbox/canned': { room: 'HPL', title: '越权', text: '越权' },
    'POST /api/inbox/:id/transfer': { officerId: officerIds.sec_lsc },
    'PUT /api/inbox/:id/labels': { labels: ['越权'] },
    'POST /api/inbox/:id/reply': { text: '越权回复' },
    'POST /api/inbox/:id/notes': { text: '越权备注' },
    'POST /api/faq': { question: '越权问题？', answer: '越权答案' },
    'PUT /api/faq/:id': { answer: '越权答案' },
    'POST /api/groups/bind-codes': { room: 'HPL' },
    'PUT /api/rooms/:code/talk-day': { enabled: false, place: '越权', startTime: '09:00', topic: '越权', rule: 'next_working_day', daysBefore: 3 },
    'POST /api/mobile-visits': { room: 'HPL', place: '越权', start: start.toISO(), end: start.plus({ hours: 1 }).toISO(), targetRooms: ['HPL'] },
    'POST /api/broadcasts/preview': { room: 'HPL', kind: 'police_notice', title: '越权', body: '越权' },
    'POST /api/broadcasts': { room: 'HPL', kind: 'police_notice', title: '越权', body: '越权', groups: ['g-sec-hpl'], sendAt: start.toISO() },
    'PUT /api/templates/:key': { room: 'HPL', text: TEMPLATE_DEFINITIONS.find((d) => d.key === 'talkday.before')!.text },
    'POST /api/templates/:key/preview': { room: 'HPL' },
    'POST /api/work-log': { room: 'HPL', kind: 'household_visit', at: DateTime.now().minus({ hours: 1 }).toISO(), place: '和平里社区', count: 3 },
    'PUT /api/work-log/targets/:type': { targets: { household_visit: 1 } },
    'POST /api/classroom/questions': { category: 'other', title: '越权提问标题', body: '越权提问内容' },
    'POST /api/classroom/questions/:id/answers': { body: '越权解答' },
    'POST /api/classroom/questions/:id/faq-proposals': { faqQuestion: '越权提议的问题', faqAnswer: '越权提议的答案' },
    'POST /api/classroom/faq-proposals/:id/decision': { decision: 'reject', reason: '越权审核' },
  };
  return bodies[k] ?? {};
}

export function send(server: Server, e: Endpoint, url: string, opts: { cookie?: string; csrf?: string; query?: Record<string, string>; body?: object; reqId: string }) {
  const m = e.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete' | 'patch';
  let req = request(server)[m](url).set('X-Request-Id', opts.reqId);
  if (opts.cookie) req = req.set('Cookie', opts.cookie);
  if (opts.csrf) req = req.set('X-CSRF-Token', opts.csrf);
  // Logging work needs its idempotency key (a fresh one per request, so each is a new entry).
  if (key(e) === 'POST /api/work-log') req = req.set('Idempotency-Key', `sec-${opts.reqId}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64));
  if (opts.query && Object.keys(opts.query).length) req = req.query(opts.query);
  if (m !== 'get' && m !== 'delete') req = req.send(opts.body ?? {});
  return req.timeout({ response: 15_000, deadline: 20_000 });
}

const BOOKKEEPING = new Set(['loginfailures', 'sessions', 'auditentries', 'audits', 'events', 'liveevents', 'rateseats', 'reportlives', 'accessrefusals']);

/** A hash per collection (security bookkeeping left out): equal before and after = nothing changed. */
export async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const { name } of await mongoose.connection.db!.listCollections().toArray()) {
    if (BOOKKEEPING.has(name.toLowerCase())) continue;
    const docs = await mongoose.connection.db!.collection(name).find({}).sort({ _id: 1 }).toArray();
    out[name] = `${createHash('sha256').update(JSON.stringify(docs)).digest('hex')}:${docs.length}`;
  }
  return out;
}

/** The demo server with buildWorld's officers, sessions and HPL records in it. */
export interface SecurityWorld extends DemoServer {
  world: World;
}

// The access-matrix and CSRF suites attack the same world: demo data, the app on a real port, then buildWorld.
export async function startSecurityWorld(app: HttpApp): Promise<SecurityWorld> {
  const demo = await startDemoServer(app);
  try {
    return { ...demo, world: await buildWorld(demo.server) };
  } catch (err) {
    await demo.stop();
    throw err;
  }
}
