import { DateTime } from 'luxon';
import { Schema, model, Types } from 'mongoose';
import type { Config } from '../../config';
import { claimFirstFree, insertUnique } from '../../storage/unique-insert';
import type { OutboxChannel } from './outbox.service';
import type { OutboxMessage } from './outbox.model';
import { OutboxHold } from './outbox.sender';

/**
 * What each channel allows, in one place (CHANNELS.md): the senders ask here before they hand
 * a message over.
 *
 * - wecom-kf (WeChat Customer Service): 5 messages within 48 hours after each resident message;
 *   the window opens only when the resident writes. The last 2 sends of a window are kept for
 *   valuable messages (an officer's reply, an emergency): automatic text stops at 3.
 * - wecom-robot (an internal group robot): 20 messages a minute per robot. Officers' alerts
 *   other than emergencies stop at 18, keeping 2 for emergencies; an emergency alert is never
 *   held by the count (WeCom's own 45009 is retried with backoff).
 * - wechat (the wechaty bot): BOT_DAILY_SEND_CAP a day per bot account; an emergency answer is
 *   never held by it.
 * - wecom-group (customer-group posts): at most as many posts a month per group as the month
 *   has days (counted by the group-task sender).
 */
export interface ChannelLimits {
  label: string;
  /** At most `count` sends per window of `windowMs`. */
  count: number;
  windowMs: number;
  /** What opens a window: the resident writing (customer service) or the clock. */
  opensOn: 'resident' | 'clock';
  /** Sends of each window that low-value messages may not take. */
  reserve: number;
  /** Whether an urgent message goes out even when the count is used up (where the channel itself would let it). */
  urgentBeyondCount: boolean;
}

const HOUR = 3600_000;

export function channelLimits(config: Pick<Config, 'BOT_DAILY_SEND_CAP'>): Partial<Record<OutboxChannel, ChannelLimits>> {
  return {
    'wecom-kf': { label: '微信客服：居民每发一条消息后48小时内最多回复5条', count: 5, windowMs: 48 * HOUR, opensOn: 'resident', reserve: 2, urgentBeyondCount: false },
    'wecom-robot': { label: '企业微信群机器人：每分钟最多20条', count: 20, windowMs: 60_000, opensOn: 'clock', reserve: 2, urgentBeyondCount: true },
    wechat: { label: `微信机器人：每天最多${config.BOT_DAILY_SEND_CAP}条`, count: config.BOT_DAILY_SEND_CAP, windowMs: 24 * HOUR, opensOn: 'clock', reserve: 0, urgentBeyondCount: true },
  };
}

/** An officer's reply, an officer's alert or an emergency: may use the sends kept in reserve. */
export function isValuable(message: Pick<OutboxMessage, 'urgent' | 'source' | 'purpose'>): boolean {
  return Boolean(message.urgent) || (message.source ?? '').startsWith('inbox:') || message.purpose === 'alert';
}

/** Send n of a window, taken by insert: `<scope>@<window start>#n` exists once. */
const rateSlotSchema = new Schema(
  { _id: { type: String, required: true }, message: { type: Types.ObjectId, required: true }, at: { type: Date, required: true } },
  { versionKey: false },
);
const RateSlotModel = model('OutboxRateSlot', rateSlotSchema);

/**
 * Takes a send of the window that started at `windowStart` for `scope` (a conversation, a
 * robot): valuable messages may take any of the `count`, others only the first count − reserve.
 * Null: none left for this message.
 */
export async function claimRateSlot(props: {
  limits: Pick<ChannelLimits, 'count' | 'reserve'>;
  scope: string;
  windowStart: number;
  valuable: boolean;
  message: Types.ObjectId;
  at: Date;
}): Promise<number | null> {
  const allowed = props.valuable ? props.limits.count : props.limits.count - props.limits.reserve;
  const slots = Array.from({ length: Math.max(0, allowed) }, (_, i) => i + 1);
  const won = await claimFirstFree(RateSlotModel, slots, (n) => ({ _id: `${props.scope}@${props.windowStart}#${n}`, message: props.message, at: props.at }), { spread: false });
  return won ? won.candidate : null;
}

/**
 * A channel's count per calendar day (Asia/Shanghai, whatever the server's zone) or per
 * clock window, for counts too large for one slot per send (the wechaty bot's daily cap:
 * BOT_DAILY_SEND_CAP, 2000 by default). Each message takes one counted row of the window by
 * insert (a retry of the same message in the same window reuses its row), then the window's
 * rows are counted: over the count, the row is given back and the message is held
 * (OutboxHold) until the next window, with the reason the officers see. Two senders racing
 * for the last send may both be held (never both sent beyond the cap). An urgent message
 * (an emergency answer) goes out whatever the count, and still counts.
 */
export async function takeCountedSend(props: {
  limits: Pick<ChannelLimits, 'count' | 'reserve' | 'urgentBeyondCount' | 'windowMs'>;
  /** What is counted: e.g. `wechat:<bot name>`. */
  scope: string;
  message: Pick<OutboxMessage, '_id' | 'urgent' | 'source' | 'purpose'>;
  at: Date;
  zone: string;
  /** Shown to officers on the held message. */
  reason: string;
}): Promise<void> {
  const { start, end } = clockWindow(props.limits.windowMs, props.at, props.zone);
  const prefix = `${props.scope}@${start.getTime()}#`;
  const id = `${prefix}m${String(props.message._id)}`;
  const outcome = await insertUnique(RateSlotModel, { _id: id, message: props.message._id, at: props.at });
  if (!outcome.won) return; // this message already holds a send of the window (a retry)
  if (props.message.urgent && props.limits.urgentBeyondCount) return;
  const allowed = isValuable(props.message) ? props.limits.count : props.limits.count - props.limits.reserve;
  const used = await RateSlotModel.countDocuments({ _id: { $regex: `^${escapeRegex(prefix)}` } });
  if (used <= allowed) return;
  await RateSlotModel.deleteOne({ _id: id });
  throw new OutboxHold(end, props.reason);
}

/** The window containing `at`: a calendar day in `zone` for 24-hour windows, else aligned clock windows. */
export function clockWindow(windowMs: number, at: Date, zone: string): { start: Date; end: Date } {
  if (windowMs === 24 * HOUR) {
    const day = DateTime.fromJSDate(at, { zone }).startOf('day');
    return { start: day.toJSDate(), end: day.plus({ days: 1 }).toJSDate() };
  }
  const start = Math.floor(at.getTime() / windowMs) * windowMs;
  return { start: new Date(start), end: new Date(start + windowMs) };
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The wechaty bot's daily cap as a hold reason (officers read it on the message). */
export function wechatCapReason(cap: number): string {
  return `微信机器人今天已发送${cap}条（每天上限），这条消息明天发出；紧急回复不受此限`;
}

/** Deletes window slots older than `before` (housekeeping). */
export async function purgeRateSlots(before: Date): Promise<number> {
  const res = await RateSlotModel.deleteMany({ at: { $lt: before } });
  return res.deletedCount ?? 0;
}
