import { hostname } from 'node:os';
import { channelLimits, claimRateSlot, createOutboxSender, enqueueMessage, isEnqueued, isValuable, OutboxHold, type OutboxMessage, type OutboxSender, type OutboxSenderOptions, releaseHeld } from '../../modules/outbox';
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config';
import type { Logger } from '../../logging/logger';
import { addResidentMessage } from '../../modules/inbox';
import { appendMessage, type Item, itemById } from '../../modules/items';
import { insertUnique } from '../../storage/unique-insert';
import { detectEmergencyWithNet } from '../../understanding';
import { createTranscriber, type Transcriber } from '../../ai/transcribe';
import { greetingReply, loadMemory, saveMemory, stateKey, type ConversationCore, type InboundMessage, type OutboundReply } from '../../modules/conversations';
import { WecomApiError, type WecomClient, type WecomResponse } from '../wecom/client';
import type { WecomSecret } from '../wecom/settings';
import { noteRoad } from '../wecom/wecom.models';
import { conversationIdOf, inboundText, parseConversationId, renderReply } from './kf.adapter';
import { createKfMedia } from './kf.media';
import {
  WecomKfContactLinkModel,
  type WecomKfContactLink,
  WecomKfCursorModel,
  WecomKfHandleModel,
  WecomKfMessageModel,
  WecomKfWindowModel,
  type WecomKfCursor,
  type WecomKfMessage,
  type WecomKfWindow,
} from './kf.models';

/**
 * WeChat Customer Service (微信客服) on the conversation core
 * (https://developer.work.weixin.qq.com/document/path/94670).
 *
 * In: WeCom's callback only says "there is something on open_kfid X" (with a 10-minute token);
 * wake() pulls with kf/sync_msg from the stored cursor, page by page while has_more. Each
 * message is claimed by a unique insert of its msgid before the cursor moves on, then handled:
 * text (or a tapped menu option) goes to the core, the replies go to the outbox keyed by the
 * msgid. A message claimed but not handled (the process died) is handled by recover().
 *
 * Out: the outbox sender for channel 'wecom-kf' sends with kf/send_msg under WeCom's rule: at
 * most 5 messages within 48 hours after each message from the resident. Sends are slots 1..5 of
 * the window, taken by insert; automatic low-value text may use only the first 3, so the last two
 * stay for an officer's reply or an emergency. What cannot go out is `held` with a reason the
 * officer sees on the item, and released when the resident writes again.
 */
const KF_LIMITS = channelLimits({ BOT_DAILY_SEND_CAP: 1 })['wecom-kf']!;
export const WINDOW_MS = KF_LIMITS.windowMs;
export const HOLD_REASONS = {
  windowClosed: '客服会话已超过48小时，居民再次发消息后才能回复；可电话联系',
  quotaUsed: '本次客服会话可发的5条消息已用完，居民再次发消息后才能回复；可电话联系',
  keptForOfficer: '本次客服会话剩余条数留给民警回复，这条自动消息在居民再次发消息后发出',
} as const;
const EVENT_TOKEN_MS = 10 * 60_000;

export interface KfChannelOptions {
  config: Config;
  logger: Logger;
  client: WecomClient;
  secret: WecomSecret;
  core: ConversationCore;
  now?: () => Date;
  /** A message claimed this long ago and still not handled is taken over by recover(). */
  staleMs?: number;
  /** Test hook: runs after a message was claimed and before it is handled (throwing simulates a crash). */
  beforeHandle?: (msgid: string) => Promise<void> | void;
  outbox?: Partial<Pick<OutboxSenderOptions, 'baseBackoffMs' | 'maxBackoffMs' | 'staleSendingMs'>>;
  /** Speech to text for voice messages; default: from the config (null without a model). */
  transcriber?: Transcriber | null;
}

export interface KfChannel {
  /** A callback said open_kfid has news: pull it (serialised per account in this process). */
  wake(openKfId: string, eventToken?: string | null): Promise<void>;
  /** Handles messages claimed long ago and never handled (a crashed instance's). */
  recover(): Promise<number>;
  sender: OutboxSender;
  /**
   * The room's own contact link (kf/add_contact_way, scene = room code): created once and stored;
   * `renew` asks WeCom for a new one. Without `openKfId` the first customer-service account is used.
   */
  contactLink(room: string, options?: { openKfId?: string | null; renew?: boolean }): Promise<WecomKfContactLink>;
  /** The outbox send function (exported for the sender and tests). */
  send(message: OutboxMessage): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface SyncResponse extends WecomResponse {
  next_cursor?: string;
  has_more?: number;
  msg_list?: Array<Record<string, unknown>>;
}

export function createKfChannel(options: KfChannelOptions): KfChannel {
  const { config, client, secret } = options;
  const now = options.now ?? (() => new Date());
  const log = options.logger.child({ channel: 'wecom-kf' });
  const staleMs = options.staleMs ?? 60_000;
  const transcriber = options.transcriber !== undefined ? options.transcriber : createTranscriber(config, log);
  const instance = `kf#${hostname()}#${process.pid}#${randomBytes(3).toString('hex')}`;
  const chains = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let recoverTimer: NodeJS.Timeout | null = null;
  // Voice messages, images and other non-text messages (kf.media.ts).
  const media = createKfMedia({ config, log, client, secret, core: options.core, now, transcriber, handleText, enqueueReplies });

  // ------------------------------------------------------------------ in

  function wake(openKfId: string, eventToken?: string | null): Promise<void> {
    if (eventToken) {
      void WecomKfCursorModel.updateOne({ _id: openKfId }, { $set: { eventToken, eventTokenAt: now(), updatedAt: now() } }, { upsert: true }).catch(() => undefined);
    }
    const running = chains.get(openKfId);
    if (running) {
      // A pull is running: one more pull after it sees whatever this callback announced.
      again.add(openKfId);
      return running;
    }
    const chain = (async () => {
      do {
        again.delete(openKfId);
        await pull(openKfId, eventToken ?? null).catch((err) => {
          log.error({ err: err instanceof Error ? err.message : String(err), openKfId }, 'customer-service pull failed');
        });
      } while (again.has(openKfId));
    })().finally(() => chains.delete(openKfId));
    chains.set(openKfId, chain);
    return chain;
  }

  async function pull(openKfId: string, eventToken: string | null): Promise<void> {
    const stored = await WecomKfCursorModel.findById(openKfId).lean<WecomKfCursor>();
    let cursor = stored?.cursor ?? null;
    const token =
      eventToken ?? (stored?.eventToken && stored.eventTokenAt && now().getTime() - stored.eventTokenAt.getTime() < EVENT_TOKEN_MS ? stored.eventToken : null);
    for (let page = 0; page < 100; page++) {
      const body: Record<string, unknown> = { limit: 1000, voice_format: 0, open_kfid: openKfId };
      if (cursor) body.cursor = cursor;
      if (token) body.token = token;
      const res = await client.call<SyncResponse>(secret, { api: 'kf/sync_msg', body, purpose: 'pull messages' });
      const mine: Array<Record<string, unknown>> = [];
      for (const m of res.msg_list ?? []) {
        if (typeof m.msgid !== 'string' || !m.msgid) continue;
        const claimed = await insertUnique(WecomKfMessageModel, {
          _id: m.msgid,
          openKfId,
          externalUserId: typeof m.external_userid === 'string' && m.external_userid ? m.external_userid : null,
          origin: Number(m.origin ?? 0),
          msgtype: String(m.msgtype ?? ''),
          sendTime: new Date(Number(m.send_time ?? 0) * 1000 || now().getTime()),
          payload: m,
          receivedAt: now(),
        });
        if (claimed.won) mine.push(m);
      }
      // The claims are stored: the cursor may move on (a crash now loses nothing; recover() handles them).
      cursor = res.next_cursor ?? cursor;
      await WecomKfCursorModel.updateOne({ _id: openKfId }, { $set: { cursor, updatedAt: now() } }, { upsert: true });
      for (const m of mine) {
        if (options.beforeHandle) await options.beforeHandle(String(m.msgid));
        await handle(m).catch((err) => log.error({ err: err instanceof Error ? err.message : String(err), msgid: m.msgid }, 'customer-service message failed; recover() retries it'));
      }
      if (!res.has_more) break;
    }
  }

  async function recover(): Promise<number> {
    const before = new Date(now().getTime() - staleMs);
    const stuck = await WecomKfMessageModel.find({ status: 'received', receivedAt: { $lte: before } }).sort({ receivedAt: 1 }).limit(50).lean<WecomKfMessage[]>();
    let done = 0;
    for (const m of stuck) {
      const attempt = (m.attempt ?? 1) + 1;
      const claim = await insertUnique(WecomKfHandleModel, { _id: `${m._id}#${attempt}`, by: instance, at: now() });
      if (!claim.won) continue;
      await WecomKfMessageModel.updateOne({ _id: m._id }, { $set: { attempt, receivedAt: now() } });
      // The core already ran if its first reply is in the outbox: only the "handled" mark was lost.
      const answered = await isEnqueued(`wecom-kf:${m._id}:0`);
      if (answered) {
        await markHandled(m._id, 'recovered');
      } else {
        log.warn({ msgid: m._id, attempt }, 'handling a customer-service message a stopped instance had claimed');
        await handle(m.payload as Record<string, unknown>).catch((err) => log.error({ err: err instanceof Error ? err.message : String(err), msgid: m._id }, 'recovery failed'));
      }
      done++;
    }
    return done;
  }

  async function markHandled(msgid: string, route: string): Promise<void> {
    await WecomKfMessageModel.updateOne({ _id: msgid }, { $set: { status: 'handled', handledAt: now(), route } });
  }

  async function handle(m: Record<string, unknown>): Promise<void> {
    const msgid = String(m.msgid);
    const origin = Number(m.origin ?? 0);
    const openKfId = String(m.open_kfid ?? '');
    await noteRoad('kf', { lastEventAt: now() });
    if (origin === 4) return markHandled(msgid, await handleEvent(m));
    if (origin !== 3) return markHandled(msgid, 'not from a resident');
    const user = String(m.external_userid ?? '');
    const conv = conversationIdOf(openKfId, user);
    const sentAt = new Date(Number(m.send_time ?? 0) * 1000 || now().getTime());
    await openWindow(conv, sentAt);

    if (m.msgtype === 'voice') return markHandled(msgid, await media.handleVoice(m, conv, msgid, user));
    const text = inboundText(m as { msgtype?: unknown; text?: unknown });
    if (text === null) return markHandled(msgid, await media.handleNonText(m, conv, msgid));
    return markHandled(msgid, (await handleText(text, msgid, conv, user)).route);
  }

  /** A resident's words (typed, or transcribed from a voice message) through the core; resolves the route. */
  async function handleText(text: string, msgid: string, conv: string, user: string): Promise<{ route: string; itemCode: string | null }> {
    const inbound: InboundMessage = { channel: 'wecom-kf', conversationId: conv, senderId: user, text, isGroup: false, mentioned: true, room: null, receivedAt: now() };
    // An emergency is answered at once: nothing is read before the core's own emergency check.
    const memory = detectEmergencyWithNet(text) ? null : await loadMemory(stateKey('wecom-kf', conv, user), now(), config.CONVERSATION_IDLE_MINUTES);
    // Human takeover: while an officer holds the resident's item, the bot does not answer; the
    // message joins the item's thread for the officer. An emergency is still answered at once.
    const held = memory ? await itemHeldByOfficer(memory.openItem) : null;
    if (held) {
      await addResidentMessage({ itemId: held._id, text, now: now(), leaseMinutes: config.CLAIM_LEASE_MINUTES });
      log.info({ code: held.code }, 'officer holds the item: message passed to the officer, no automatic answer');
      return { route: 'takeover', itemCode: held.code };
    }
    const result = await options.core.handle(inbound);
    await enqueueReplies(msgid, conv, result.replies, result.route === 'emergency');
    log.info({ route: result.route, room: result.room, item: result.itemCode }, 'customer-service message handled');
    // The resident has just picked a room: voice messages they sent before it join their item there.
    if (memory && !memory.room && result.room) await media.attachParkedVoices(msgid, conv, user, result.itemCode ?? null, result.replies.length);
    return { route: result.route, itemCode: result.itemCode ?? null };
  }


  async function itemHeldByOfficer(openItem: { id: Item['_id'] } | null): Promise<Item | null> {
    if (!openItem) return null;
    const item = await itemById(openItem.id);
    if (!item || !item.assignee) return null;
    return item.status === 'claimed' || item.status === 'waiting' ? item : null;
  }


  async function handleEvent(m: Record<string, unknown>): Promise<string> {
    const ev = (m.event ?? {}) as Record<string, unknown>;
    const type = String(ev.event_type ?? '');
    if (type === 'enter_session') {
      const openKfId = String(ev.open_kfid ?? m.open_kfid ?? '');
      const user = String(ev.external_userid ?? '');
      const conv = conversationIdOf(openKfId, user);
      const scene = typeof ev.scene === 'string' ? ev.scene : '';
      // The contact link's scene names the room: the resident lands in it (else the core's room picker runs).
      const room = scene ? await options.core.knowledge.room(scene.toUpperCase()) : null;
      if (room) await saveMemory({ key: stateKey('wecom-kf', conv, user), channel: 'wecom-kf', conversationId: conv, senderId: user }, { room: room.code }, now());
      const code = typeof ev.welcome_code === 'string' ? ev.welcome_code : '';
      if (code) {
        const hello = greetingReply(room, config.BOT_NAME);
        await client
          .call(secret, { api: 'kf/send_msg_on_event', body: { code, ...renderReply(hello.text, hello.options) }, purpose: 'welcome' })
          .catch((err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'welcome message failed'));
      }
      return room ? `enter_session:${room.code}` : 'enter_session';
    }
    if (type === 'msg_send_fail') {
      await noteRoad('kf', { lastErrorAt: now(), lastError: `msg_send_fail（${String(ev.fail_type ?? '')}）` });
      return 'msg_send_fail';
    }
    return `event:${type || 'unknown'}`;
  }

  /** The resident wrote: a new 48-hour window with 5 sends; what was held goes out now. */
  async function openWindow(conv: string, at: Date): Promise<void> {
    const current = await WecomKfWindowModel.findById(conv).lean<WecomKfWindow>();
    if (!current || current.lastResidentAt.getTime() < at.getTime()) {
      await WecomKfWindowModel.updateOne({ _id: conv }, { $set: { lastResidentAt: at } }, { upsert: true });
    }
    const released = await releaseHeld({ channel: 'wecom-kf', conversationId: conv, now: now() });
    for (const m of released) {
      if (m.item) await appendMessage({ item: m.item, author: 'system', kind: 'event', text: '居民再次发来消息，暂存的回复已重新发送', at: now() });
    }
    if (released.length) {
      log.info({ released: released.length }, 'held customer-service messages released');
      sender.kick();
    }
  }

  /** The replies to one message go out in order; `first` numbers them on after replies already queued for it. */
  async function enqueueReplies(msgid: string, conv: string, replies: OutboundReply[], urgent: boolean, first = 0): Promise<void> {
    const { openKfId } = parseConversationId(conv);
    for (const [i, reply] of replies.entries()) {
      await enqueueMessage({
        key: `wecom-kf:${msgid}:${first + i}`,
        to: { channel: 'wecom-kf', conversationId: conv, isGroup: false, account: openKfId },
        text: reply.text,
        options: reply.options,
        purpose: 'reply',
        urgent,
        notBefore: now(),
        source: 'bot',
      });
    }
    if (replies.length) sender.kick();
  }

  // ------------------------------------------------------------------ out

  async function hold(message: OutboxMessage, reason: string): Promise<never> {
    if (message.item) {
      await appendMessage({ item: message.item, author: 'system', kind: 'event', text: `回复暂未送达：${reason}`, at: now() }).catch(() => undefined);
    }
    throw new OutboxHold(null, reason); // until the resident writes again
  }

  async function send(message: OutboxMessage): Promise<void> {
    const conv = message.conversationId;
    const { openKfId, externalUserId } = parseConversationId(conv);
    const window = await WecomKfWindowModel.findById(conv).lean<WecomKfWindow>();
    const at = now();
    if (!window || at.getTime() - window.lastResidentAt.getTime() > WINDOW_MS) return hold(message, HOLD_REASONS.windowClosed);
    // An officer's reply and an emergency may use every send of the window; automatic text only the first ones.
    const valuable = isValuable(message);
    const slot = await claimRateSlot({ limits: KF_LIMITS, scope: `kf:${conv}`, windowStart: window.lastResidentAt.getTime(), valuable, message: message._id, at });
    if (slot === null) return hold(message, valuable ? HOLD_REASONS.quotaUsed : HOLD_REASONS.keptForOfficer);
    try {
      await client.call(secret, {
        api: 'kf/send_msg',
        body: { touser: externalUserId, open_kfid: openKfId, ...renderReply(message.text, message.options) },
        purpose: message.source?.startsWith('inbox:') ? 'officer reply' : message.purpose ?? 'reply',
      });
    } catch (err) {
      // WeCom counts too (a servicer may have written from the WeCom app): its "no" is a hold.
      if (err instanceof WecomApiError && err.errcode === 95001) return hold(message, HOLD_REASONS.quotaUsed);
      throw err;
    }
  }

  const sender = createOutboxSender({
    channel: 'wecom-kf',
    senderId: instance,
    logger: log,
    now,
    maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
    baseBackoffMs: 1_000,
    ...options.outbox,
    send,
  });

  async function contactLink(room: string, opts: { openKfId?: string | null; renew?: boolean } = {}): Promise<WecomKfContactLink> {
    const stored = await WecomKfContactLinkModel.findById(room).lean<WecomKfContactLink>();
    if (stored && !opts.renew && (!opts.openKfId || opts.openKfId === stored.openKfId)) return stored;
    let openKfId = opts.openKfId ?? stored?.openKfId ?? null;
    if (!openKfId) {
      const list = await client.call<WecomResponse & { account_list?: Array<{ open_kfid?: string }> }>(secret, { api: 'kf/account/list', body: { offset: 0, limit: 100 }, purpose: 'list accounts' });
      openKfId = list.account_list?.find((a) => a.open_kfid)?.open_kfid ?? null;
      if (!openKfId) throw new Error('no customer-service account in WeCom');
    }
    // The scene comes back in the enter_session event: it names the room ([0-9a-zA-Z_-], ≤ 32 bytes).
    const res = await client.call<WecomResponse & { url?: string }>(secret, { api: 'kf/add_contact_way', body: { open_kfid: openKfId, scene: room }, purpose: 'room contact link' });
    if (!res.url) throw new Error('add_contact_way returned no url');
    const doc = { _id: room, openKfId, scene: room, url: res.url, createdAt: now() };
    await WecomKfContactLinkModel.updateOne({ _id: room }, { $set: doc }, { upsert: true });
    log.info({ room, openKfId }, 'room contact link created');
    return doc;
  }

  return {
    wake,
    recover,
    sender,
    contactLink,
    send,
    async start() {
      sender.start(config.OUTBOX_POLL_MS);
      await recover().catch((err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'recovery pass failed'));
      recoverTimer = setInterval(() => void recover().catch(() => undefined), Math.max(5_000, Math.min(staleMs, 30_000)));
      recoverTimer.unref?.();
    },
    async stop() {
      if (recoverTimer) clearInterval(recoverTimer);
      recoverTimer = null;
      await sender.stop();
      await Promise.all([...chains.values()]);
    },
  };
}
