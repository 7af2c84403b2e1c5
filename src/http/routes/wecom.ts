import Router from '@koa/router';
import type { AppContext, AppDeps, AppState } from '../types';
import { requireOfficer } from '../middleware/auth';
import { CallbackError, openEvent, verifyUrl } from '../../channels/wecom/callback-crypto';
import { createWecomRuntime, wecomStatus, type WecomRuntime } from '../../channels/wecom/runtime';
import { noteRoad } from '../../channels/wecom/wecom.models';
import { DomainError, badRequest, forbidden } from '../../lib/errors';
import { z } from 'zod';
import { parseInput } from '../validate';
import { bindCustomerGroup, listCustomerGroups } from '../../modules/customer-groups';

const MAX_CALLBACK_BYTES = 64 * 1024;

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
    ctx.body = { wecom: await wecomStatus(deps.config, clock()), wechaty: { statusUrl: '/api/bot/status' } };
  });

  // WeCom customer groups: list, sync from WeCom (owners = officers' WeCom userids), bind to a room.
  router.get('/api/channels/wecom/groups', requireOfficer(['admin']), async (ctx) => {
    ctx.body = { groups: (await listCustomerGroups()).map((g) => ({ chatId: g._id, owner: g.owner, name: g.name ?? null, room: g.room ?? null, syncedAt: g.syncedAt })) };
  });
  router.post('/api/channels/wecom/groups/sync', requireOfficer(['admin']), async (ctx) => {
    const input = parseInput(z.object({ owners: z.array(z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, '企业微信账号格式不正确')).min(1).max(200) }), ctx.request.body);
    const groups = wecom().groups;
    if (!groups) throw new DomainError('unavailable', 'channel_off', `客户群群发未配置：缺少 ${wecom().roads.groups.missing.join('、')}（WeCom customer contact is not configured）`);
    ctx.body = { synced: await groups.sync(input.owners) };
  });
  router.put('/api/channels/wecom/groups/:chatId', requireOfficer(['admin']), async (ctx) => {
    const input = parseInput(z.object({ room: z.string().regex(/^[A-Za-z0-9]{2,16}$/, '警务室编号格式不正确').nullable() }), ctx.request.body);
    const g = await bindCustomerGroup(ctx.params.chatId, input.room);
    ctx.body = { group: { chatId: g._id, owner: g.owner, name: g.name ?? null, room: g.room ?? null } };
  });

  return router;
}
