import type { Logger } from '../../logging/logger';
import { LiveEventModel, type LiveEvent } from './live-event.model';
import { onLocalEvent } from './live.service';

/** What an SSE client receives (ids and states only). */
export interface LiveMessage {
  id: string;
  type: string;
  item: string | null;
  room: string | null;
  conversation: string | null;
  kind: string | null;
  status: string | null;
  assignee: string | null;
  action: string | null;
  at: string;
}

/**
 * An officer's stream (rooms) or one resident chat page (conversation: conversationKey(cid)).
 * Officers' streams receive item events of their rooms; a chat page only its own chat.message events.
 */
export interface LiveClient {
  rooms: string[] | 'all';
  conversation?: string;
  send(message: LiveMessage): void;
  /** The signed-in officer and session behind the stream: a 'session.ended' event for them calls end(). */
  officerId?: string;
  sessionId?: string;
  end?(): void;
}

export interface LiveHubOptions {
  pollMs: number;
  logger: Logger;
  /** How far back each poll looks, to tolerate clock skew between instances and late inserts. */
  overlapMs?: number;
  /** Events older than this are pruned. */
  retainMs?: number;
  now?: () => Date;
}

/**
 * One per instance. While at least one SSE client is connected, polls the events
 * collection and fans each event out once to the clients allowed to see its room. Stops
 * polling when the last client leaves. Every creator of items announces them with an
 * 'item.created' event (conversation flows, tips).
 */
export class LiveHub {
  private readonly clients = new Set<LiveClient>();
  private readonly seen = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private cursor = 0;
  private unsubscribeLocal: (() => void) | null = null;
  private lastPrune = 0;
  private readonly overlapMs: number;
  private readonly retainMs: number;
  private readonly now: () => Date;

  constructor(private readonly options: LiveHubOptions) {
    this.overlapMs = options.overlapMs ?? 5000;
    this.retainMs = options.retainMs ?? 24 * 3600_000;
    this.now = options.now ?? (() => new Date());
  }

  get clientCount(): number {
    return this.clients.size;
  }

  add(client: LiveClient): () => void {
    this.clients.add(client);
    if (this.clients.size === 1) this.start();
    return () => {
      this.clients.delete(client);
      if (this.clients.size === 0) this.stop();
    };
  }

  private start(): void {
    this.cursor = this.now().getTime();
    this.unsubscribeLocal = onLocalEvent((event) => this.handle(event));
    this.timer = setInterval(() => void this.poll(), this.options.pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribeLocal?.();
    this.unsubscribeLocal = null;
    this.seen.clear();
  }

  /** One poll; public for tests. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    const pollStarted = this.now().getTime();
    try {
      const since = new Date(this.cursor - this.overlapMs);
      // The events collection is small (pruned daily); on FerretDB any filter but _id
      // equality is a scan, so this hub never queries the (large) items collection.
      const events = await LiveEventModel.find({ at: { $gt: since } }).limit(1000).lean<LiveEvent[]>();
      events.sort((a, b) => a.at.getTime() - b.at.getTime());
      for (const event of events) this.handle(event);
      this.cursor = pollStarted;
      this.forgetOld(pollStarted);
      if (pollStarted - this.lastPrune > 3600_000) {
        this.lastPrune = pollStarted;
        await LiveEventModel.deleteMany({ at: { $lt: new Date(pollStarted - this.retainMs) } });
      }
    } catch (err) {
      this.options.logger.warn({ err }, 'live poll failed; will retry');
    } finally {
      this.polling = false;
    }
  }

  private handle(event: LiveEvent): void {
    if (event.type === 'session.ended') this.endSessions(event);
    else this.deliver(toMessage(event));
  }

  private endSessions(event: LiveEvent): void {
    const id = String(event._id);
    if (this.seen.has(id)) return;
    this.seen.set(id, event.at.getTime());
    const officer = event.officer ? String(event.officer) : null;
    for (const client of [...this.clients]) {
      if (!client.end || client.officerId !== officer) continue;
      if (event.session && client.sessionId !== event.session) continue;
      client.end();
    }
  }

  private deliver(message: LiveMessage): void {
    if (this.seen.has(message.id)) return;
    this.seen.set(message.id, Date.parse(message.at) || this.now().getTime());
    for (const client of this.clients) {
      if (wants(client, message)) client.send(message);
    }
  }

  private forgetOld(now: number): void {
    const horizon = now - this.overlapMs * 4;
    for (const [id, at] of this.seen) if (at < horizon) this.seen.delete(id);
  }
}

function wants(client: LiveClient, message: LiveMessage): boolean {
  if (message.type === 'chat.message') return client.conversation !== undefined && client.conversation === message.conversation;
  if (client.conversation !== undefined || message.room === null) return false;
  return client.rooms === 'all' || client.rooms.includes(message.room);
}

function toMessage(event: LiveEvent): LiveMessage {
  return {
    id: String(event._id),
    type: event.type,
    item: event.item ? String(event.item) : null,
    room: event.room ?? null,
    conversation: event.conversation ?? null,
    kind: event.kind ?? null,
    status: event.status ?? null,
    assignee: event.assignee ? String(event.assignee) : null,
    action: event.action ?? null,
    at: event.at.toISOString(),
  };
}
