import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import type { AppDeps, AppState } from '../types';
import { parseInput } from '../validate';
import { findWebConversation, presentFeedMessage, readFeed } from '../../modules/conversations';
import { ConversationIdSchema, FeedCursorSchema } from './chat.schema';
import { conversationKey, LiveHub } from '../../modules/live';

/**
 * The resident web chat's live feed (server-sent events).
 *  GET /api/chat/conversations/:id/events   [Last-Event-ID or ?after=<cursor>]
 * Sends every officer reply and notice of the conversation after the cursor (all of them without
 * one), then each new one as it is stored. Each `event: message` has the message's feed cursor as
 * its id, so a browser that reconnects (EventSource sends Last-Event-ID) gets exactly what it missed.
 * New messages are found through 'chat.message' live events, which every instance polls from the
 * database: a reply stored by another instance (or by the jobs process) arrives too.
 */
export function chatLiveRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/chat' });
  const hub = new LiveHub({ pollMs: deps.config.LIVE_POLL_MS, logger: deps.logger });
  const now = deps.now ?? (() => new Date());

  router.get('/conversations/:id/events', async (ctx) => {
    const cid = parseInput(ConversationIdSchema, ctx.params.id);
    const lastEventId = ctx.get('last-event-id') || (typeof ctx.query.after === 'string' ? ctx.query.after : '');
    let cursor = lastEventId ? parseInput(FeedCursorSchema, lastEventId) : undefined;
    await findWebConversation(cid);

    const stream = new PassThrough();
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.set('Content-Type', 'text/event-stream; charset=utf-8');
    ctx.set('Cache-Control', 'no-cache, no-transform');
    ctx.set('X-Accel-Buffering', 'no');
    ctx.status = 200;
    ctx.body = stream;
    stream.write('retry: 2000\n\nevent: ready\ndata: {}\n\n');

    let closed = false;
    let reading = false;
    let again = false;
    // One reader at a time; a wake-up during a read makes it read once more, so nothing slips between.
    const drain = async (): Promise<void> => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          for (;;) {
            const page = await readFeed(cid, cursor, now());
            if (closed) return;
            for (const m of page.messages) {
              const id = `${m.createdAt.getTime()}_${m._id.toHexString()}`;
              stream.write(`event: message\nid: ${id}\ndata: ${JSON.stringify(presentFeedMessage(m))}\n\n`);
            }
            cursor = page.cursor ?? undefined;
            if (page.messages.length < 50) break;
          }
        } while (again && !closed);
      } catch (err) {
        ctx.state.log.warn({ err }, 'chat feed read failed; the page will reconnect');
        close();
      } finally {
        reading = false;
      }
    };

    const remove = hub.add({ rooms: [], conversation: conversationKey(cid), send: () => void drain() });
    const heartbeat = setInterval(() => stream.write(': ping\n\n'), 25_000);
    heartbeat.unref();
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      remove();
      stream.end();
    };
    ctx.req.on('close', close);
    ctx.res.on('close', close);
    stream.on('error', close);
    void drain();
  });

  return router;
}
