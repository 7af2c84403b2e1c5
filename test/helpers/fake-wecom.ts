import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { encrypt, getSignature } from '@wecom/crypto';

/**
 * A stand-in for the WeCom API, written from its public documentation
 * (developer.work.weixin.qq.com): gettoken, kf/sync_msg, kf/send_msg, kf/send_msg_on_event,
 * media/get, externalcontact/groupchat/list, add_msg_template, get_groupmsg_task,
 * get_groupmsg_send_result, remind_groupmsg_send, message/send and the group robot webhook.
 * It keeps WeCom's rules that matter to the product: tokens expire (42001) and unknown ones
 * are refused (40014); sync_msg pages with has_more and a cursor; 5 messages within 48 hours
 * after each resident message (95001); robots take 20 messages a minute (45009); group-send
 * tasks wait until the owner confirms them. Callbacks are signed and AES-encrypted with
 * Tencent's own @wecom/crypto. Its clock is the test's.
 */
export interface FakeWecomOptions {
  corpId?: string;
  /** secret → name (kf, app, contact) */
  secrets?: Record<string, string>;
  callbackToken?: string;
  aesKey?: string;
  /** Largest sync_msg page it returns, whatever `limit` asks (to test has_more). */
  pageSize?: number;
  now?: () => Date;
}

export interface FakeKfMessage {
  msgid: string;
  open_kfid: string;
  external_userid: string;
  send_time: number;
  origin: number;
  msgtype: string;
  [key: string]: unknown;
}

export interface FakeSent {
  open_kfid: string;
  touser: string;
  msgtype: string;
  text?: { content: string };
  msgmenu?: { head_content?: string; list: Array<{ type: string; click?: { id: string; content: string } }>; tail_content?: string };
  at: Date;
}

export interface FakeTask {
  msgid: string;
  sender: string;
  chatIds: string[];
  text: string;
  /** per chat: 0 not sent, 1 sent, 2/3 failed */
  status: Record<string, number>;
  confirmed: boolean;
  createdAt: Date;
}

export interface FakeCall {
  api: string;
  query: Record<string, string>;
  body: Record<string, unknown> | null;
  errcode: number;
  at: Date;
}

const H48 = 48 * 3600_000;

export class FakeWecom {
  readonly corpId: string;
  readonly callbackToken: string;
  readonly aesKey: string;
  readonly secrets: Record<string, string>;
  base = '';
  pageSize: number;
  now: () => Date;
  private server: http.Server | null = null;
  private seq = 0;

  readonly calls: FakeCall[] = [];
  readonly tokens = new Map<string, { secret: string; expiresAt: number }>();
  private failures: Array<{ api: string; errcode: number; times: number }> = [];
  /** Per open_kfid, every message and event in order (sync_msg reads from here). */
  readonly log = new Map<string, FakeKfMessage[]>();
  readonly eventTokens = new Map<string, number>();
  readonly sent: FakeSent[] = [];
  readonly welcomes: Array<{ code: string; msgtype: string; text?: { content: string }; msgmenu?: unknown }> = [];
  private welcomeCodes = new Set<string>();
  /** `${kf}:${user}` → the resident's last message time and sends since. */
  private windows = new Map<string, { last: number; used: number }>();
  readonly media = new Map<string, { data: Buffer; type: string }>();
  readonly customerGroups: Array<{ chat_id: string; owner: string; name: string }> = [];
  readonly tasks = new Map<string, FakeTask>();
  readonly reminders: string[] = [];
  readonly appMessages: Array<{ touser: string; agentid: number; msgtype: string; content: string; at: Date }> = [];
  readonly robotMessages: Array<{ key: string; msgtype: string; content: string; at: Date }> = [];
  private robotTimes = new Map<string, number[]>();
  /** Customer-service accounts (kf/account/list) and the links made for them (url → account and scene). */
  readonly kfAccounts: Array<{ open_kfid: string; name: string }> = [{ open_kfid: 'wkHPLdesk01', name: '网上警务室' }];
  readonly contactWays = new Map<string, { open_kfid: string; scene: string }>();

  constructor(options: FakeWecomOptions = {}) {
    this.corpId = options.corpId ?? 'wwfakecorp0001';
    this.secrets = options.secrets ?? { 'kf-secret': 'kf', 'app-secret': 'app', 'contact-secret': 'contact' };
    this.callbackToken = options.callbackToken ?? 'cbToken123';
    this.aesKey = options.aesKey ?? 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    this.pageSize = options.pageSize ?? 1000;
    this.now = options.now ?? (() => new Date());
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((r) => this.server!.close(r));
    this.server = null;
  }

  /** The config a service needs to talk to this fake. */
  env(): Record<string, string> {
    const byName = Object.fromEntries(Object.entries(this.secrets).map(([s, n]) => [n, s]));
    return {
      WECOM_API_BASE: this.base,
      WECOM_CORP_ID: this.corpId,
      WECOM_CALLBACK_TOKEN: this.callbackToken,
      WECOM_CALLBACK_AES_KEY: this.aesKey,
      ...(byName.kf ? { WECOM_KF_SECRET: byName.kf } : {}),
      ...(byName.app ? { WECOM_APP_SECRET: byName.app, WECOM_APP_AGENT_ID: '1000002' } : {}),
      ...(byName.contact ? { WECOM_CONTACT_SECRET: byName.contact } : {}),
    };
  }

  // ------------------------------------------------------------ test controls

  /** The next `times` calls of `api` answer `errcode` (e.g. 45009, -1, 40014). */
  failNext(api: string, errcode: number, times = 1): void {
    this.failures.push({ api, errcode, times });
  }

  /** Forgets forced failures (between tests). */
  clearFailures(): void {
    this.failures = [];
  }

  expireAllTokens(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0;
  }

  callsTo(api: string): FakeCall[] {
    return this.calls.filter((c) => c.api === api);
  }

  /** A resident writes to the customer-service account (origin 3). Returns the msgid. */
  residentSays(kf: string, user: string, content: string | { msgtype: string; [k: string]: unknown }): string {
    const msgid = `msg${++this.seq}${randomBytes(3).toString('hex')}`;
    const body = typeof content === 'string' ? { msgtype: 'text', text: { content } } : content;
    const at = this.now();
    this.push(kf, { msgid, open_kfid: kf, external_userid: user, send_time: Math.floor(at.getTime() / 1000), origin: 3, ...body });
    this.windows.set(`${kf}:${user}`, { last: at.getTime(), used: 0 });
    return msgid;
  }

  /** The resident taps a menu option: a text message carrying the option's id (menu_id). */
  residentPicks(kf: string, user: string, menuId: string, label: string): string {
    return this.residentSays(kf, user, { msgtype: 'text', text: { content: label, menu_id: menuId } });
  }

  /** The resident opens the chat from a contact link with `scene` (an enter_session event with a welcome_code). */
  enterSession(kf: string, user: string, scene: string): string {
    const code = `welcome${++this.seq}`;
    this.welcomeCodes.add(code);
    const at = this.now();
    this.push(kf, {
      msgid: `ev${this.seq}`,
      open_kfid: kf,
      external_userid: '',
      send_time: Math.floor(at.getTime() / 1000),
      origin: 4,
      msgtype: 'event',
      event: { event_type: 'enter_session', open_kfid: kf, external_userid: user, scene, scene_param: '', welcome_code: code },
    });
    return code;
  }

  private push(kf: string, m: FakeKfMessage): void {
    const list = this.log.get(kf) ?? [];
    list.push(m);
    this.log.set(kf, list);
  }

  sentTo(user: string): FakeSent[] {
    return this.sent.filter((s) => s.touser === user);
  }

  textsTo(user: string): string[] {
    return this.sentTo(user).map((s) => s.text?.content ?? s.msgmenu?.head_content ?? '');
  }

  /** The encrypted callback WeCom would POST for new messages on `kf` (a fresh 10-minute event token inside). */
  callback(kf: string): { query: Record<string, string>; body: string } {
    const token = `ENC${randomBytes(12).toString('hex')}`;
    this.eventTokens.set(token, this.now().getTime() + 10 * 60_000);
    const created = Math.floor(this.now().getTime() / 1000);
    const inner =
      `<xml><ToUserName><![CDATA[${this.corpId}]]></ToUserName><CreateTime>${created}</CreateTime>` +
      `<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event>` +
      `<Token><![CDATA[${token}]]></Token><OpenKfId><![CDATA[${kf}]]></OpenKfId></xml>`;
    return this.sign(inner);
  }

  /** Any XML event, encrypted and signed as WeCom does. */
  sign(innerXml: string, corpId = this.corpId): { query: Record<string, string>; body: string } {
    const encrypted = encrypt(this.aesKey, innerXml, corpId);
    const timestamp = String(Math.floor(this.now().getTime() / 1000));
    const nonce = randomBytes(5).toString('hex');
    return {
      query: { msg_signature: getSignature(this.callbackToken, timestamp, nonce, encrypted), timestamp, nonce },
      body: `<xml><ToUserName><![CDATA[${this.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>`,
    };
  }

  /** The URL-verification GET WeCom sends when the callback is configured. */
  verification(): { query: Record<string, string>; echo: string } {
    const echo = `echo${randomBytes(6).toString('hex')}`;
    const echostr = encrypt(this.aesKey, echo, this.corpId);
    const timestamp = String(Math.floor(this.now().getTime() / 1000));
    const nonce = randomBytes(5).toString('hex');
    return { query: { msg_signature: getSignature(this.callbackToken, timestamp, nonce, echostr), timestamp, nonce, echostr }, echo };
  }

  /** POSTs the callback for `kf` to the service at `url`. */
  async notify(url: string, kf: string): Promise<{ status: number; text: string }> {
    const { query, body } = this.callback(kf);
    const res = await fetch(`${url}?${new URLSearchParams(query).toString()}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    return { status: res.status, text: await res.text() };
  }

  addCustomerGroup(chatId: string, owner: string, name: string): void {
    this.customerGroups.push({ chat_id: chatId, owner, name });
  }

  /** The owner taps "send" in WeCom: every group of the task receives it. */
  confirmTask(msgid: string, failed: Record<string, number> = {}): void {
    const task = this.tasks.get(msgid);
    if (!task) throw new Error(`no task ${msgid}`);
    task.confirmed = true;
    for (const chat of task.chatIds) task.status[chat] = failed[chat] ?? 1;
  }

  // ------------------------------------------------------------ the API

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const api = url.pathname.replace(/^\/cgi-bin\//, '');
    const query = Object.fromEntries(url.searchParams.entries());
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> | null = null;
    if (chunks.length) {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return this.reply(res, api, query, null, { errcode: 47001, errmsg: 'data format error' });
      }
    }
    const forced = this.failures.find((f) => f.api === api && f.times > 0);
    if (forced) {
      forced.times--;
      return this.reply(res, api, query, body, { errcode: forced.errcode, errmsg: 'forced by test' });
    }
    if (api === 'gettoken') return this.reply(res, api, query, body, this.gettoken(query));
    if (api === 'webhook/send') return this.reply(res, api, query, body, this.robot(query.key ?? '', body));
    const auth = this.checkToken(query.access_token);
    if (auth.errcode) return this.reply(res, api, query, body, auth);
    const secretName = auth.secret!;
    if (api === 'media/get') {
      const m = this.media.get(query.media_id ?? '');
      if (!m) return this.reply(res, api, query, body, { errcode: 40007, errmsg: 'invalid media_id' });
      this.calls.push({ api, query, body, errcode: 0, at: this.now() });
      res.writeHead(200, { 'content-type': m.type });
      res.end(m.data);
      return;
    }
    const handlers: Record<string, () => Record<string, unknown>> = {
      'kf/sync_msg': () => this.syncMsg(body ?? {}),
      'kf/send_msg': () => this.sendMsg(body ?? {}),
      'kf/send_msg_on_event': () => this.sendOnEvent(body ?? {}),
      'externalcontact/groupchat/list': () => this.groupList(body ?? {}),
      'externalcontact/add_msg_template': () => this.addTemplate(body ?? {}),
      'externalcontact/get_groupmsg_task': () => this.groupTask(body ?? {}),
      'externalcontact/get_groupmsg_send_result': () => this.groupResult(body ?? {}),
      'externalcontact/remind_groupmsg_send': () => this.remind(body ?? {}),
      'message/send': () => this.appSend(body ?? {}),
      'kf/account/list': () => ({ account_list: this.kfAccounts.slice(Number(body?.offset ?? 0), Number(body?.offset ?? 0) + Number(body?.limit ?? 100)) }),
      'kf/add_contact_way': () => this.addContactWay(body ?? {}),
    };
    const allowed: Record<string, string[]> = {
      'kf/': ['kf'],
      'externalcontact/': ['contact', 'app'],
      'message/': ['app'],
    };
    const prefix = Object.keys(allowed).find((p) => api.startsWith(p));
    if (!handlers[api]) return this.reply(res, api, query, body, { errcode: 404, errmsg: 'unknown api in fake' });
    if (prefix && !allowed[prefix].includes(secretName)) return this.reply(res, api, query, body, { errcode: 48002, errmsg: 'api forbidden for this secret' });
    return this.reply(res, api, query, body, handlers[api]());
  }

  private reply(res: http.ServerResponse, api: string, query: Record<string, string>, body: Record<string, unknown> | null, json: Record<string, unknown>): void {
    const errcode = Number(json.errcode ?? 0);
    this.calls.push({ api, query, body, errcode, at: this.now() });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ errcode, errmsg: errcode ? json.errmsg : 'ok', ...json }));
  }

  private gettoken(q: Record<string, string>): Record<string, unknown> {
    if (q.corpid !== this.corpId) return { errcode: 40013, errmsg: 'invalid corpid' };
    const name = this.secrets[q.corpsecret ?? ''];
    if (!name) return { errcode: 40001, errmsg: 'invalid credential' };
    const token = `tok_${name}_${randomBytes(8).toString('hex')}`;
    this.tokens.set(token, { secret: name, expiresAt: this.now().getTime() + 7200_000 });
    return { access_token: token, expires_in: 7200 };
  }

  private checkToken(token: string | undefined): { errcode: number; errmsg?: string; secret?: string } {
    const t = token ? this.tokens.get(token) : undefined;
    if (!t) return { errcode: 40014, errmsg: 'invalid access_token' };
    if (t.expiresAt <= this.now().getTime()) return { errcode: 42001, errmsg: 'access_token expired' };
    return { errcode: 0, secret: t.secret };
  }

  private syncMsg(b: Record<string, unknown>): Record<string, unknown> {
    const kf = String(b.open_kfid ?? '');
    if (!kf) return { errcode: 40096, errmsg: 'invalid open_kfid' };
    if (b.token !== undefined && b.token !== '') {
      const exp = this.eventTokens.get(String(b.token));
      if (!exp || exp < this.now().getTime()) return { errcode: 95007, errmsg: 'invalid msg token' };
    }
    const list = this.log.get(kf) ?? [];
    const start = b.cursor ? Number(String(b.cursor).replace(/^c/, '')) : 0;
    if (!Number.isInteger(start) || start < 0) return { errcode: 95002, errmsg: 'invalid cursor' };
    const limit = Math.min(Number(b.limit ?? 1000) || 1000, 1000, this.pageSize);
    const page = list.slice(start, start + limit);
    const next = start + page.length;
    return { next_cursor: `c${next}`, has_more: next < list.length ? 1 : 0, msg_list: page };
  }

  private sendMsg(b: Record<string, unknown>): Record<string, unknown> {
    const kf = String(b.open_kfid ?? '');
    const user = String(b.touser ?? '');
    const msgtype = String(b.msgtype ?? '');
    if (!kf || !user || !msgtype) return { errcode: 40003, errmsg: 'invalid touser / open_kfid / msgtype' };
    if (msgtype === 'text' && !(b.text as { content?: string } | undefined)?.content) return { errcode: 44004, errmsg: 'empty content' };
    if (msgtype === 'msgmenu' && !Array.isArray((b.msgmenu as { list?: unknown } | undefined)?.list)) return { errcode: 40003, errmsg: 'msgmenu.list required' };
    const w = this.windows.get(`${kf}:${user}`);
    const now = this.now().getTime();
    if (!w || now - w.last > H48 || w.used >= 5) return { errcode: 95001, errmsg: 'send msg count limit' };
    w.used++;
    this.sent.push({ open_kfid: kf, touser: user, msgtype, text: b.text as FakeSent['text'], msgmenu: b.msgmenu as FakeSent['msgmenu'], at: this.now() });
    return { msgid: `sent${++this.seq}` };
  }

  private addContactWay(b: Record<string, unknown>): Record<string, unknown> {
    const kf = String(b.open_kfid ?? '');
    if (!this.kfAccounts.some((a) => a.open_kfid === kf)) return { errcode: 95000, errmsg: 'invalid open_kfid' };
    const scene = String(b.scene ?? '');
    if (Buffer.byteLength(scene) > 32 || !/^[0-9a-zA-Z_-]*$/.test(scene)) return { errcode: 40058, errmsg: 'invalid scene' };
    const url = `https://work.weixin.qq.com/kf/kfc${randomBytes(8).toString('hex')}${scene ? `?enc_scene=ENC${randomBytes(6).toString('hex')}` : ''}`;
    this.contactWays.set(url, { open_kfid: kf, scene });
    return { url };
  }

  /** A resident opens a contact link in WeChat: WeCom starts the session with the link's scene. */
  openLink(url: string, user: string): { openKfId: string; welcomeCode: string } {
    const way = this.contactWays.get(url);
    if (!way) throw new Error(`no such contact link: ${url}`);
    return { openKfId: way.open_kfid, welcomeCode: this.enterSession(way.open_kfid, user, way.scene) };
  }

  private sendOnEvent(b: Record<string, unknown>): Record<string, unknown> {
    const code = String(b.code ?? '');
    if (!this.welcomeCodes.delete(code)) return { errcode: 95018, errmsg: 'invalid welcome code' };
    this.welcomes.push({ code, msgtype: String(b.msgtype), text: b.text as { content: string }, msgmenu: b.msgmenu });
    return { msgid: `welcome${++this.seq}` };
  }

  private groupList(b: Record<string, unknown>): Record<string, unknown> {
    const owners = ((b.owner_filter as { userid_list?: string[] } | undefined)?.userid_list ?? []) as string[];
    const all = this.customerGroups.filter((g) => owners.length === 0 || owners.includes(g.owner));
    const start = b.cursor ? Number(b.cursor) : 0;
    const limit = Math.min(Number(b.limit ?? 100) || 100, 1000);
    const page = all.slice(start, start + limit);
    const next = start + page.length;
    return { group_chat_list: page.map((g) => ({ chat_id: g.chat_id, status: 0 })), next_cursor: next < all.length ? String(next) : '' };
  }

  /** groupchat/get is not needed by the product: names come with the list in this fake via owner lookups. */
  groupName(chatId: string): string | undefined {
    return this.customerGroups.find((g) => g.chat_id === chatId)?.name;
  }

  private addTemplate(b: Record<string, unknown>): Record<string, unknown> {
    if (b.chat_type !== 'group') return { errcode: 40003, errmsg: 'only group tasks in this fake' };
    const sender = String(b.sender ?? '');
    const chatIds = (b.chat_id_list as string[] | undefined) ?? this.customerGroups.filter((g) => g.owner === sender).map((g) => g.chat_id);
    if (!sender) return { errcode: 40003, errmsg: 'sender required' };
    const text = String((b.text as { content?: string } | undefined)?.content ?? '');
    if (!text && !(b.attachments as unknown[] | undefined)?.length) return { errcode: 41048, errmsg: 'no content' };
    const msgid = `task${++this.seq}`;
    this.tasks.set(msgid, { msgid, sender, chatIds, text, status: Object.fromEntries(chatIds.map((c) => [c, 0])), confirmed: false, createdAt: this.now() });
    return { fail_list: [], msgid };
  }

  private groupTask(b: Record<string, unknown>): Record<string, unknown> {
    const task = this.tasks.get(String(b.msgid ?? ''));
    if (!task) return { errcode: 41063, errmsg: 'invalid msgid' };
    return { next_cursor: '', task_list: [{ userid: task.sender, status: task.confirmed ? 2 : 0, send_time: task.confirmed ? Math.floor(this.now().getTime() / 1000) : undefined }] };
  }

  private groupResult(b: Record<string, unknown>): Record<string, unknown> {
    const task = this.tasks.get(String(b.msgid ?? ''));
    if (!task) return { errcode: 41063, errmsg: 'invalid msgid' };
    if (String(b.userid ?? '') !== task.sender) return { next_cursor: '', send_list: [] };
    return {
      next_cursor: '',
      send_list: task.chatIds.map((chat_id) => ({ chat_id, userid: task.sender, status: task.status[chat_id], send_time: task.status[chat_id] === 1 ? Math.floor(this.now().getTime() / 1000) : undefined })),
    };
  }

  private remind(b: Record<string, unknown>): Record<string, unknown> {
    const task = this.tasks.get(String(b.msgid ?? ''));
    if (!task) return { errcode: 41063, errmsg: 'invalid msgid' };
    this.reminders.push(task.msgid);
    return {};
  }

  private appSend(b: Record<string, unknown>): Record<string, unknown> {
    const content = String((b.text as { content?: string } | undefined)?.content ?? (b.markdown as { content?: string } | undefined)?.content ?? '');
    if (Buffer.byteLength(content) > 2048) return { errcode: 45002, errmsg: 'content size out of limit' };
    this.appMessages.push({ touser: String(b.touser ?? ''), agentid: Number(b.agentid), msgtype: String(b.msgtype), content, at: this.now() });
    return { invaliduser: '', msgid: `app${++this.seq}` };
  }

  private robot(key: string, b: Record<string, unknown> | null): Record<string, unknown> {
    if (!key.startsWith('robot-')) return { errcode: 93000, errmsg: 'invalid webhook url' };
    const now = this.now().getTime();
    const times = (this.robotTimes.get(key) ?? []).filter((t) => now - t < 60_000);
    if (times.length >= 20) return { errcode: 45009, errmsg: 'api freq out of limit' };
    times.push(now);
    this.robotTimes.set(key, times);
    const content = String((b?.text as { content?: string } | undefined)?.content ?? (b?.markdown as { content?: string } | undefined)?.content ?? '');
    this.robotMessages.push({ key, msgtype: String(b?.msgtype ?? ''), content, at: this.now() });
    return {};
  }
}
