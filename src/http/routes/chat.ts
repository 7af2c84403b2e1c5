import Router from '@koa/router';
import { isSharedAddress } from '../../lib/addresses';
import type { AppContext, AppDeps, AppState } from '../types';
import { notFound, tooManyRequests } from '../../lib/errors';
import { parseInput } from '../validate';
import { isDatabaseDown } from '../../storage/database-errors';
import { ChatMessageSchema, ConversationIdSchema, FeedQuerySchema } from './chat.schema';
import {
  createConversationCore,
  findWebConversation,
  openWebConversation,
  presentFeedMessage,
  presentReply,
  readFeed,
  type ConversationCoreOverrides,
} from '../../modules/conversations';
import { clientKey, createRateLimiter } from '../../modules/rate-limits';
import { toInbound } from '../../channels/webchat/webchat.adapter';

/**
 * The resident web chat API.
 *  POST /api/chat/messages                         {room, conversationId?, text} → {conversationId, replies}
 *  GET  /api/chat/conversations/:id/messages?after  officers' replies for this conversation (polled)
 * The conversation id (128 random bits) is the only key to a conversation's messages.
 */
export function chatRouter(deps: AppDeps, overrides: ConversationCoreOverrides = {}): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/chat' });
  // The app's clock (tests pin it: the per-IP and per-conversation limits are fixed windows).
  const core = createConversationCore(deps.config, deps.logger, { ...overrides, now: overrides.now ?? deps.now });
  const perIp = createRateLimiter({ name: 'chat-ip', points: deps.config.CHAT_RATE_IP_PER_MIN, windowMs: 60_000 });
  const perConversation = createRateLimiter({ name: 'chat-conv', points: deps.config.CHAT_RATE_CONVERSATION_PER_MIN, windowMs: 60_000 });

  const limit = async (ctx: AppContext, limiter: ReturnType<typeof createRateLimiter>, key: string, now: Date) => {
    const r = await limiter.consume(key, now);
    if (!r.allowed) {
      ctx.set('Retry-After', String(Math.ceil(r.retryAfterMs / 1000)));
      throw tooManyRequests('您发送得太快了，请稍后再试。紧急情况请直接拨打110。（Too many requests）');
    }
  };

  router.post('/messages', async (ctx) => {
    const req = parseInput(ChatMessageSchema, ctx.request.body);
    const now = core.now();
    // An emergency is never held back: not by a rate limit, not by a database that does not
    // answer (then the resident still gets the numbers to call, without an item code).
    const emergency = core.emergencyAnswer(req.text);
    try {
      const client = await clientKey(ctx.ip || 'unknown', now);
      if (!emergency) await limit(ctx, perIp, client, now);
      const room = await core.knowledge.room(req.room); // cached briefly: every message names its room
      if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
      const conv = await openWebConversation(room.code, req.conversationId, now);
      if (!emergency) await limit(ctx, perConversation, conv.cid, now);
      const newConversation = conv.cid !== req.conversationId;
      const addressShared = isSharedAddress(ctx.ip || 'unknown');
      const result = await core.handle(toInbound({ conversationId: conv.cid, room: room.code, text: req.text, now, newConversation, clientKey: client, addressShared }));
      ctx.state.log.info({ route: result.route, room: room.code, item: result.itemCode }, 'web chat message');
      ctx.body = { conversationId: conv.cid, replies: result.replies.map(presentReply) };
    } catch (err) {
      if (!emergency || !isDatabaseDown(err)) throw err;
      ctx.state.log.error({ err, room: req.room }, 'could not record an emergency item: the database did not answer; the numbers were given');
      ctx.body = { conversationId: req.conversationId ?? null, replies: [presentReply(emergency)] };
    }
  });

  router.get('/conversations/:id/messages', async (ctx) => {
    const cid = parseInput(ConversationIdSchema, ctx.params.id);
    const query = parseInput(FeedQuerySchema, ctx.query);
    await findWebConversation(cid);
    const page = await readFeed(cid, query.after, core.now());
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { messages: page.messages.map(presentFeedMessage), cursor: page.cursor };
  });

  return router;
}
