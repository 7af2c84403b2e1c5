import { type Actor, addNote, cannedReplyById, claimItem, createCannedReply, deleteCannedReply, type InboxSettings, listCannedReplies, listInbox, loadItem, loadThread, nextItem, officerNames, presentCannedReply, presentItemDetail, presentItemSummary, presentThreadMessage, releaseItem, reopenItem, type ReplyNoticeSender, replyToItem, resolveItem, setLabels, transferItem, transferTargets } from '../../modules/inbox';
import { roomByCode } from '../../modules/rooms';
import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import { Types } from 'mongoose';
import type { Config } from '../../config';
import { DomainError, forbidden, notFound } from '../../lib/errors';
import { parseInput } from '../validate';
import type { AppContext, AppState } from '../types';
import type { Logger } from '../../logging/logger';
import { accessibleRoomCodes, type SessionOfficer } from '../../modules/auth';
import { assertRoomAccess, currentOfficer, requireOfficer } from '../middleware/auth';
import { recordAudit } from '../../modules/audit';
import { attachmentsOfItem, storeAttachment } from '../../modules/attachments';
import { imageUpload, uploadedFile } from '../middleware/upload';
import { appendMessage, type Item } from '../../modules/items';
import { LiveHub, publishLiveEvent } from '../../modules/live';
import {
  CannedCreateSchema,
  CannedListSchema,
  ForceSchema,
  InboxListSchema,
  LabelsSchema,
  NoteSchema,
  ReplySchema,
  TransferSchema,
} from './inbox.schema';
import { queueSms, smsSettings } from '../../modules/sms';

export interface InboxRouterDeps {
  config: Config;
  logger: Logger;
  /** Injected clock (tests); defaults to the wall clock. */
  now?: () => Date;
}

const actorOf = (o: SessionOfficer): Actor => ({ id: o.id, name: o.name, username: o.username, role: o.role });

/**
 * Authorises on the LOADED item's room. Tips answer 404 to outsiders (their existence is
 * sensitive). Every refusal goes to the 操作日志 (audit log) as well as the log.
 */
async function authorizeItem(ctx: AppContext, item: Pick<Item, '_id' | 'code' | 'room' | 'kind'>): Promise<SessionOfficer> {
  try {
    return await assertRoomAccess(ctx, item.room, { hideAs404: item.kind === 'tip' });
  } catch (err) {
    const officer = ctx.state.officer as SessionOfficer | undefined;
    if (officer && err instanceof DomainError) {
      await recordAudit({
        actor: { kind: 'officer', id: officer.id, name: officer.name, username: officer.username },
        action: 'access.denied',
        item,
        detail: `${ctx.method} ${ctx.path}`.slice(0, 200),
      });
    }
    throw err;
  }
}

/** The officers' inbox API, /api/inbox. */
export function inboxRouter(deps: InboxRouterDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/inbox' });
  const settings: InboxSettings = { leaseMinutes: deps.config.CLAIM_LEASE_MINUTES, now: deps.now ?? (() => new Date()), logger: deps.logger, replyNotice: replyNoticeSender(deps.config) };
  const hub = new LiveHub({ pollMs: deps.config.LIVE_POLL_MS, logger: deps.logger });
  const maxBytes = deps.config.ATTACHMENT_MAX_KB * 1024;

  async function loadAuthorized(ctx: AppContext, options: { withContact?: boolean } = {}) {
    const item = await loadItem(String(ctx.params.id), options);
    const officer = await authorizeItem(ctx, item);
    return { item, officer, actor: actorOf(officer) };
  }

  async function answerWithItem(ctx: AppContext, item: Item, officer: SessionOfficer) {
    const names = await officerNames([item.assignee]);
    ctx.body = { item: presentItemSummary(item, names, settings.now(), officer.id) };
  }

  router.use(requireOfficer());

  router.get('/', async (ctx) => {
    const query = parseInput(InboxListSchema, ctx.query);
    const officer = currentOfficer(ctx.state);
    if (query.room) await assertRoomAccess(ctx, query.room);
    const now = settings.now();
    const { items, hasMore } = await listInbox({ rooms: await accessibleRoomCodes(officer), officerId: officer.id, filter: query, now });
    const tips = items.filter((i) => i.kind === 'tip');
    if (tips.length) {
      await recordAudit({
        actor: { kind: 'officer', id: officer.id, name: officer.name, username: officer.username },
        action: 'tip.list',
        itemCodes: tips.map((t) => t.code),
        room: query.room ?? null,
        detail: `列表中显示 ${tips.length} 条线索`,
      });
    }
    const names = await officerNames(items.map((i) => i.assignee));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { items: items.map((i) => presentItemSummary(i, names, now, officer.id)), hasMore, now };
  });

  router.get('/events', async (ctx) => {
    const officer = currentOfficer(ctx.state);
    const rooms = await accessibleRoomCodes(officer);
    const stream = new PassThrough();
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.set('Content-Type', 'text/event-stream; charset=utf-8');
    ctx.set('Cache-Control', 'no-cache, no-transform');
    ctx.set('X-Accel-Buffering', 'no');
    ctx.status = 200;
    ctx.body = stream;
    stream.write('retry: 3000\n\nevent: ready\ndata: {}\n\n');
    let closed = false;
    const remove = hub.add({
      rooms,
      officerId: officer.id,
      sessionId: officer.sessionId,
      send: (message) => stream.write(`event: item\nid: ${message.id}\ndata: ${JSON.stringify(message)}\n\n`),
      // Signed out, deactivated or password changed: tell the page, then hang up. Reconnecting gets 401.
      end: () => {
        if (!closed) stream.write('event: signed-out\ndata: {}\n\n');
        close();
      },
    });
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
  });

  router.get('/canned', async (ctx) => {
    const query = parseInput(CannedListSchema, ctx.query);
    const officer = currentOfficer(ctx.state);
    let rooms: string[] | 'all';
    if (query.room) {
      await assertRoomAccess(ctx, query.room);
      rooms = [query.room];
    } else {
      rooms = await accessibleRoomCodes(officer);
    }
    const replies = await listCannedReplies(rooms);
    ctx.body = { cannedReplies: replies.map(presentCannedReply) };
  });

  router.post('/canned', async (ctx) => {
    const input = parseInput(CannedCreateSchema, ctx.request.body);
    const officer = await assertRoomAccess(ctx, input.room);
    const created = await createCannedReply({ ...input, createdBy: officer.id });
    ctx.status = 201;
    ctx.body = { cannedReply: presentCannedReply(created) };
  });

  router.delete('/canned/:cid', async (ctx) => {
    const id = String(ctx.params.cid);
    const reply = Types.ObjectId.isValid(id) ? await cannedReplyById(id) : null;
    if (!reply) throw notFound('未找到该常用回复（Canned reply not found）');
    await assertRoomAccess(ctx, reply.room);
    await deleteCannedReply(reply._id);
    ctx.body = { ok: true };
  });

  router.post('/next', async (ctx) => {
    const officer = currentOfficer(ctx.state);
    const item = await nextItem({ actor: actorOf(officer), rooms: await accessibleRoomCodes(officer), settings });
    if (!item) {
      ctx.body = { item: null, message: '队列中暂无可领取的事项（The queue is empty）' };
      return;
    }
    await answerWithItem(ctx, item, officer);
  });

  router.get('/:id', async (ctx) => {
    const { item, officer } = await loadAuthorized(ctx, { withContact: true });
    const [thread, room] = await Promise.all([loadThread(item._id), roomByCode(item.room, { fields: ['district'] })]);
    const [names, attachments, targets] = await Promise.all([
      officerNames([item.assignee, ...thread.map((m) => m.officer)]),
      attachmentsOfItem(item._id, thread.flatMap((m) => m.attachments ?? [])),
      transferTargets(item.room, room?.district ?? null),
    ]);
    if (item.kind === 'tip') {
      await recordAudit({ actor: { kind: 'officer', id: officer.id, name: officer.name, username: officer.username }, action: 'tip.view', item });
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      item: presentItemDetail(item, {
        names,
        now: settings.now(),
        meId: officer.id,
        thread,
        attachments: new Map(attachments.map((a) => [String(a._id), a])),
        transferTargets: targets,
      }),
    };
  });

  router.post('/:id/claim', async (ctx) => {
    const { force } = parseInput(ForceSchema, ctx.request.body);
    const { item, officer, actor } = await loadAuthorized(ctx);
    await answerWithItem(ctx, await claimItem({ actor, itemId: item._id, force, settings }), officer);
  });

  router.post('/:id/release', async (ctx) => {
    const { force } = parseInput(ForceSchema, ctx.request.body);
    const { item, officer, actor } = await loadAuthorized(ctx);
    await answerWithItem(ctx, await releaseItem({ actor, itemId: item._id, force, settings }), officer);
  });

  router.post('/:id/resolve', async (ctx) => {
    const { force } = parseInput(ForceSchema, ctx.request.body);
    const { item, officer, actor } = await loadAuthorized(ctx);
    await answerWithItem(ctx, await resolveItem({ actor, itemId: item._id, force, settings }), officer);
  });

  router.post('/:id/reopen', async (ctx) => {
    const { item, officer, actor } = await loadAuthorized(ctx);
    await answerWithItem(ctx, await reopenItem({ actor, itemId: item._id, settings }), officer);
  });

  router.post('/:id/transfer', async (ctx) => {
    const input = parseInput(TransferSchema, ctx.request.body);
    const { item, officer, actor } = await loadAuthorized(ctx);
    await answerWithItem(ctx, await transferItem({ actor, itemId: item._id, targetOfficerId: input.officerId, force: input.force, settings }), officer);
  });

  router.put('/:id/labels', async (ctx) => {
    const input = parseInput(LabelsSchema, ctx.request.body);
    const { item, officer, actor } = await loadAuthorized(ctx);
    await answerWithItem(ctx, await setLabels({ actor, itemId: item._id, labels: input.labels, settings }), officer);
  });

  router.post('/:id/reply', async (ctx) => {
    const input = parseInput(ReplySchema, ctx.request.body);
    const { item, officer, actor } = await loadAuthorized(ctx);
    const result = await replyToItem({ actor, itemId: item._id, text: input.text, force: input.force, settings });
    const names = await officerNames([result.item.assignee, officer.id]);
    ctx.status = 201;
    ctx.body = {
      item: presentItemSummary(result.item, names, settings.now(), officer.id),
      message: presentThreadMessage(result.message, names, new Map()),
      delivery: result.outbox ? { channel: result.outbox.channel, status: result.outbox.status, isGroup: result.outbox.isGroup } : null,
    };
  });

  router.post('/:id/notes', async (ctx) => {
    const input = parseInput(NoteSchema, ctx.request.body);
    const { item, officer, actor } = await loadAuthorized(ctx);
    const note = await addNote({ actor, item, text: input.text, settings });
    ctx.status = 201;
    ctx.body = { message: presentThreadMessage(note, await officerNames([officer.id]), new Map()) };
  });

  router.post(
    '/:id/attachments',
    async (ctx, next) => {
      // Authorise before reading the upload.
      ctx.state.inboxTarget = await loadAuthorized(ctx);
      await next();
    },
    imageUpload(maxBytes),
    async (ctx) => {
      const { item, officer, actor } = ctx.state.inboxTarget as Awaited<ReturnType<typeof loadAuthorized>>;
      if (!officer) throw forbidden();
      const now = settings.now();
      const attachment = await storeAttachment({
        dataDir: deps.config.DATA_DIR,
        maxBytes,
        item,
        buffer: uploadedFile(ctx),
        source: 'officer',
        uploadedBy: 'officer',
        officerId: actor.id,
        now,
      });
      // Officers' images are internal (the outbox carries text only): they join the thread as a note.
      const note = await appendMessage({ item: item._id, author: 'officer', kind: 'note', officer: actor.id, text: '[图片]', attachments: [String(attachment._id)], at: now });
      await Promise.all([
        recordAudit({ actor: { kind: 'officer', id: actor.id, name: actor.name, username: actor.username }, action: 'attachment.upload', item, at: now, detail: `${attachment.mime} ${attachment.size} 字节` }),
        publishLiveEvent({ type: 'item.message', item, action: 'attachment', at: now }),
      ]);
      const names = await officerNames([actor.id]);
      ctx.status = 201;
      ctx.body = { message: presentThreadMessage(note, names, new Map([[String(attachment._id), attachment]])) };
    },
  );

  return router;
}

/** Replies texted to web residents who gave a mobile number, when SMS is on. */
function replyNoticeSender(config: Config): ReplyNoticeSender | null {
  const sms = smsSettings(config);
  if (!sms.provider) return null;
  return { publicUrl: sms.publicUrl, send: (props) => queueSms(sms, { ...props, purpose: 'reply', source: 'inbox:reply' }) };
}
