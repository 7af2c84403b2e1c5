import Router from '@koa/router';
import type { AppContext, AppDeps, AppState } from '../types';
import { currentOfficer, requireOfficer } from '../middleware/auth';
import { CallbackError, openEvent, verifyUrl } from '../../channels/wecom/callback-crypto';
import { createWecomRuntime, wecomStatus, type WecomRuntime } from '../../channels/wecom/runtime';
import { WecomApiError } from '../../channels/wecom/client';
import { noteRoad } from '../../channels/wecom/wecom.models';
import { DomainError, badRequest, forbidden, notFound } from '../../lib/errors';
import { z } from 'zod';
import { parseInput, roomCodeSchema } from '../validate';
import { kfContactLinks } from '../../channels/wecom-kf';
import { roomsWithRobot, setRoomRobotKey } from '../../modules/alerts';
import { secretsKey } from '../../lib/secret-box';
import { recordAudit } from '../../modules/audit';
import { listRooms, roomExists } from '../../modules/rooms';
import { smsSettings } from '../../modules/sms';
import type { Config } from '../../config';
import { bindCustomerGroup, listCustomerGroups } from '../../modules/customer-groups';

const MAX_CALLBACK_BYTES = 64 * 1024;

const SMS_PROVIDER_LABELS = { tencent: '腾讯云短信', aliyun: '阿里云短信', webhook: '短信网关（Webhook）' } as const;
const SMS_NEEDS = {
  tencent: ['TENCENT_SMS_SECRET_ID', 'TENCENT_SMS_SECRET_KEY', 'TENCENT_SMS_SDK_APP_ID'],
  aliyun: ['ALIYUN_SMS_ACCESS_KEY_ID', 'ALIYUN_SMS_ACCESS_KEY_SECRET'],
  webhook: ['SMS_WEBHOOK_URL', 'SMS_WEBHOOK_SECRET'],
} as const;

/** The SMS road as the SMS module's settings describe it: on, the provider, what is missing. */
function smsStatus(config: Config): { on: boolean; provider: string | null; label: string; missing: string[] } {
  const s = smsSettings(config);
  if (!s.provider) return { on: false, provider: null, label: '未启用', missing: ['SMS_PROVIDER'] };
  const ready = s.provider === 'tencent' ? s.tencent : s.provider === 'aliyun' ? s.aliyun : s.webhook;
  const missing = ready ? [] : SMS_NEEDS[s.provider].filter((n) => !config[n as keyof Config]);
  return { on: Boolean(ready), provider: s.provider, label: SMS_PROVIDER_LABELS[s.provider], missing };
}

async function rawBody(ctx: AppContext): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_CALLBACK_BYTES) throw badRequest('回调内容过大（Callback body too large）', undefined, 'body_too_large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function refuse(err: unknown): never {
  if (err instanceof CallbackError) {
    if (err.code === 'bad_signature' || err.code === 'wrong_corp') throw forbidden(`企业微信回调签名校验失败（${err.message}）`, 'callback_rejected');
    throw badRequest(`企业微信回调内容有误（${err.message}）`, undefined, 'callback_invalid');
  }
  throw err;
}

export const GroupSyncSchema = z.object({ owners: z.array(z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, '企业微信账号格式不正确')).min(1).max(200) });
export const ContactLinkSchema = z.object({ openKfId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '客服账号ID格式不正确').optional(), renew: z.boolean().optional() });
export const RobotKeySchema = z.object({ key: z.string().trim().max(300).nullable() });
export const GroupRoomSchema = z.object({ room: z.string().regex(/^[A-Za-z0-9]{2,16}$/, '警务室编号格式不正确').nullable() });

/**
 * The WeCom callback (URL check and events) and the channels' state for admins:
 *   GET|POST /channels/wecom/callback
 *   GET /api/channels/status
 * The POST answers at once; pulling the messages runs after the answer.
 */
export function wecomRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const clock = deps.now ?? (() => new Date());
  let runtime: WecomRuntime | null = deps.wecom ?? null;
  const wecom = () => (runtime ??= createWecomRuntime({ config: deps.config, logger: deps.logger, now: deps.now }));

  const keysOrOff = () => {
    const keys = wecom().callbackKeys;
    if (!keys) {
      throw new DomainError('not_found', 'channel_off', `企业微信回调未配置：缺少 ${wecom().roads.kf.missing.filter((m) => m !== 'WECOM_KF_SECRET').join('、') || 'WECOM_CALLBACK_TOKEN'}（WeCom callback is not configured）`);
    }
    return keys;
  };

  router.get('/channels/wecom/callback', async (ctx) => {
    const keys = keysOrOff();
    let echo: string;
    try {
      echo = verifyUrl(keys, ctx.query, clock());
    } catch (err) {
      refuse(err);
    }
    await noteRoad('kf', { callbackVerifiedAt: clock() });
    ctx.type = 'text/plain';
    ctx.body = echo;
  });

  router.post('/channels/wecom/callback', async (ctx) => {
    const keys = keysOrOff();
    let event: Record<string, unknown>;
    try {
      event = openEvent(keys, ctx.query, await rawBody(ctx), clock());
    } catch (err) {
      refuse(err);
    }
    await noteRoad('kf', { lastEventAt: clock() });
    const kf = wecom().kf;
    if (event.Event === 'kf_msg_or_event' && typeof event.OpenKfId === 'string' && kf) {
      // Not awaited: WeCom wants its answer within 5 seconds; the pull runs after it.
      void kf.wake(event.OpenKfId, typeof event.Token === 'string' ? event.Token : null);
    }
    ctx.type = 'text/plain';
    ctx.body = 'success';
  });

  router.get('/api/channels/status', requireOfficer(['admin']), async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { wecom: await wecomStatus(deps.config, clock()), sms: smsStatus(deps.config), wechaty: { statusUrl: '/api/bot/status' } };
  });

  // Per room: the customer-service contact link (scene = room code) and whether an alert robot is set (its key masked, never in full).
  router.get('/api/channels/wecom/rooms', requireOfficer(['admin']), async (ctx) => {
    const [rooms, links, robots] = await Promise.all([listRooms(), kfContactLinks(), roomsWithRobot(secretsKey(deps.config.SECRETS_KEY))]);
    const byRoom = new Map(links.map((l) => [l._id, l]));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      rooms: rooms.map((r) => {
        const link = byRoom.get(r.code);
        return { code: r.code, name: r.name, contactLink: link ? { url: link.url, openKfId: link.openKfId, createdAt: link.createdAt } : null, robot: robots.has(r.code), robotKeyMasked: robots.get(r.code) ?? null };
      }),
    };
  });
  router.post('/api/channels/wecom/rooms/:code/contact-link', requireOfficer(['admin']), async (ctx) => {
    const code = parseInput(roomCodeSchema, ctx.params.code);
    const input = parseInput(ContactLinkSchema, ctx.request.body ?? {});
    if (!(await roomExists(code))) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
    const kf = wecom().kf;
    if (!kf) throw new DomainError('conflict', 'channel_off', `微信客服未配置：缺少 ${wecom().roads.kf.missing.join('、')}（WeChat Customer Service is not configured）`);
    const link = await kf.contactLink(code, { openKfId: input.openKfId ?? null, renew: input.renew }).catch((err: unknown) => {
      if (err instanceof WecomApiError) throw new DomainError('unavailable', 'wecom_error', `企业微信未能生成客服链接（errcode ${err.errcode}：${err.errmsg}）`);
      throw err;
    });
    const me = currentOfficer(ctx.state);
    await recordAudit({ actor: { kind: 'officer', id: me.id, name: me.name, username: me.username }, action: 'channel.contact_link', room: code, detail: link.openKfId });
    ctx.body = { contactLink: { url: link.url, openKfId: link.openKfId, createdAt: link.createdAt } };
  });
  router.put('/api/channels/wecom/rooms/:code/robot', requireOfficer(['admin']), async (ctx) => {
    const code = parseInput(roomCodeSchema, ctx.params.code);
    const input = parseInput(RobotKeySchema, ctx.request.body);
    if (!(await roomExists(code))) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
    // The admin may paste the whole webhook address; only its key is kept.
    const key = input.key ? (/[?&]key=([^&#\s]+)/.exec(input.key)?.[1] ?? input.key) : null;
    if (key !== null && !/^[A-Za-z0-9_-]{8,100}$/.test(key)) throw badRequest('群机器人地址或 key 格式不正确（Invalid robot webhook key）', undefined, 'invalid_robot_key');
    await setRoomRobotKey(code, key, clock(), secretsKey(deps.config.SECRETS_KEY));
    const me = currentOfficer(ctx.state);
    await recordAudit({ actor: { kind: 'officer', id: me.id, name: me.name, username: me.username }, action: key ? 'channel.robot_set' : 'channel.robot_cleared', room: code });
    ctx.body = { room: code, robot: key !== null, robotKeyMasked: key ? (await roomsWithRobot(secretsKey(deps.config.SECRETS_KEY))).get(code) ?? null : null };
  });

  // WeCom customer groups: list, sync from WeCom (owners = officers' WeCom userids), bind to a room.
  router.get('/api/channels/wecom/groups', requireOfficer(['admin']), async (ctx) => {
    ctx.body = { groups: (await listCustomerGroups()).map((g) => ({ chatId: g._id, owner: g.owner, name: g.name ?? null, room: g.room ?? null, syncedAt: g.syncedAt })) };
  });
  router.post('/api/channels/wecom/groups/sync', requireOfficer(['admin']), async (ctx) => {
    const input = parseInput(GroupSyncSchema, ctx.request.body);
    const groups = wecom().groups;
    if (!groups) throw new DomainError('conflict', 'channel_off', `客户群群发未配置：缺少 ${wecom().roads.groups.missing.join('、')}（WeCom customer contact is not configured）`);
    ctx.body = { synced: await groups.sync(input.owners) };
  });
  router.put('/api/channels/wecom/groups/:chatId', requireOfficer(['admin']), async (ctx) => {
    const input = parseInput(GroupRoomSchema, ctx.request.body);
    const g = await bindCustomerGroup(ctx.params.chatId, input.room);
    ctx.body = { group: { chatId: g._id, owner: g.owner, name: g.name ?? null, room: g.room ?? null } };
  });

  return router;
}
