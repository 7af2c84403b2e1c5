import Router from '@koa/router';
import { z } from 'zod';
import type { AppContext, AppDeps, AppState } from '../types';
import { conflict, notFound } from '../../lib/errors';
import { parseInput, roomCodeSchema } from '../validate';
import { accessibleRoomCodes } from '../../modules/auth';
import { assertRoomAccess, currentOfficer, requireOfficer } from '../middleware/auth';
import { BOT_STATE_LABELS, effectiveState, listBotStatuses, presentBotStatus } from '../../modules/bot-status';
import { groupBindingsOfRooms } from '../../modules/groups';
import { assignRoomOfficers, roomMembers } from '../../modules/officers';
import { presentRoom, roomExists, roomsByCodes } from '../../modules/rooms';
import { setupChecklist } from '../../modules/setup';
import { roomContactLink } from '../../channels/wecom-kf';

/** Code-unit order, as the database sorts strings. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export const BotQrQuerySchema = z.object({ bot: z.string().min(1).max(80) });
export const RoomOfficersSchema = z.object({ officerIds: z.array(z.string().regex(/^[0-9a-f]{24}$/i, '民警编号格式不正确')).max(200) });

/** The web chat opened on a room (the poster's QR when the room has no customer-service link). */
export function roomChatLink(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/$/, '')}/?room=${encodeURIComponent(code)}`;
}

/**
 * Where a room's printed poster QR leads: the room's WeChat customer-service contact link when one
 * was made (residents scan it with WeChat and chat in WeChat), otherwise the room's web chat.
 */
async function posterTarget(publicUrl: string, code: string): Promise<{ kind: 'wechat_kf' | 'web_chat'; url: string; label: string }> {
  const link = await roomContactLink(code);
  if (link) return { kind: 'wechat_kf', url: link.url, label: '微信扫一扫，添加本室微信客服，咨询、预约、反映情况' };
  return { kind: 'web_chat', url: roomChatLink(publicUrl, code), label: '微信或手机浏览器扫一扫，打开本室网上警务室（网页咨询、预约）' };
}

async function svgResponse(ctx: AppContext, text: string) {
  ctx.set('Content-Type', 'image/svg+xml; charset=utf-8');
  ctx.set('Cache-Control', 'no-store');
  // Loaded on first use: most processes never draw a QR code, and start-up should not pay for it.
  const { default: QRCode } = await import('qrcode');
  ctx.body = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/**
 * /api/admin: what the admin console needs beyond the domain APIs — the first-run checklist,
 * rooms with their officers (inactive ones too), the channels' state, and QR codes (the bot's
 * login QR while it waits for a scan; each room's poster QR).
 */
export function adminRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/admin' });
  const clock = deps.now ?? (() => new Date());

  router.get('/checklist', requireOfficer(['admin']), async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { steps: await setupChecklist(currentOfficer(ctx.state)) };
  });

  // Rooms in the caller's scope (admins all, supervisors their district, read-only), inactive ones included.
  router.get('/rooms', requireOfficer(['admin', 'supervisor']), async (ctx) => {
    const codes = await accessibleRoomCodes(currentOfficer(ctx.state));
    const rooms = (await roomsByCodes(codes)).sort((a, b) => byText(a.district, b.district) || byText(a.code, b.code));
    const groups = await groupBindingsOfRooms(codes);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      rooms: await Promise.all(
        rooms.map(async (r) => ({
          ...presentRoom(r),
          active: r.active ?? true,
          members: await roomMembers(r.code),
          groups: groups.filter((g) => g.room === r.code).length,
          chatLink: roomChatLink(deps.config.PUBLIC_URL, r.code),
        })),
      ),
    };
  });

  router.put('/rooms/:code/officers', requireOfficer(['admin']), async (ctx) => {
    const code = parseInput(roomCodeSchema, ctx.params.code);
    const input = parseInput(RoomOfficersSchema, ctx.request.body);
    if (!(await roomExists(code))) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
    ctx.body = { members: await assignRoomOfficers(currentOfficer(ctx.state), code, input.officerIds) };
  });

  // The channels page: WeChat bots (the official channels' state is GET /api/channels/status).
  router.get('/channels', requireOfficer(['admin', 'supervisor']), async (ctx) => {
    const now = clock();
    const bots = (await listBotStatuses()).map((b) => ({ ...presentBotStatus(b, now), hasQr: effectiveState(b, now) === 'waiting_for_scan' && Boolean(b.qrUrl) }));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      bots,
      botLabels: BOT_STATE_LABELS,
    };
  });

  // The bot's login QR code while it waits for a scan (the bot records the link; this draws it).
  router.get('/bot-qr.svg', requireOfficer(['admin']), async (ctx) => {
    const { bot } = parseInput(BotQrQuerySchema, ctx.query);
    const now = clock();
    const status = (await listBotStatuses()).find((b) => b.bot === bot);
    if (!status || effectiveState(status, now) !== 'waiting_for_scan' || !status.qrUrl) {
      throw conflict('机器人当前不需要扫码登录（No login QR code to show）', 'no_qr_needed');
    }
    await svgResponse(ctx, status.qrUrl);
  });

  // A room's poster: where its QR leads (the WeChat customer-service link, else the web chat), and the QR itself.
  const posterRoom = async (ctx: AppContext) => {
    const code = parseInput(roomCodeSchema, ctx.params.code);
    if (!(await roomExists(code))) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
    await assertRoomAccess(ctx, code);
    return code;
  };
  router.get('/rooms/:code/poster', requireOfficer(['admin', 'supervisor', 'officer']), async (ctx) => {
    const code = await posterRoom(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { room: code, qr: await posterTarget(deps.config.PUBLIC_URL, code) };
  });
  router.get('/rooms/:code/poster-qr.svg', requireOfficer(['admin', 'supervisor', 'officer']), async (ctx) => {
    const code = await posterRoom(ctx);
    await svgResponse(ctx, (await posterTarget(deps.config.PUBLIC_URL, code)).url);
  });

  return router;
}
