import { BotStatusModel, type BotState, type BotStatus } from './bot-status.model';

export interface BotStatePatch {
  state?: BotState;
  qrUrl?: string | null;
  account?: string | null;
  accountName?: string | null;
  puppet?: string | null;
  lastError?: string | null;
  heartbeatSeconds?: number;
}

/** Records the bot's state (and a heartbeat). Only the bot process itself writes its document. */
export async function recordBotState(bot: string, patch: BotStatePatch, now = new Date()): Promise<void> {
  const $set: Record<string, unknown> = { ...patch, lastHeartbeatAt: now };
  if (patch.state) $set.stateChangedAt = now;
  if (patch.state && patch.state !== 'waiting_for_scan') $set.qrUrl = null;
  await BotStatusModel.updateOne({ bot }, { $set, $setOnInsert: patch.state ? {} : { state: 'starting', stateChangedAt: now } }, { upsert: true });
}

export async function heartbeat(bot: string, now = new Date()): Promise<void> {
  await BotStatusModel.updateOne({ bot }, { $set: { lastHeartbeatAt: now } });
}

/** The state as shown: a bot whose heartbeat stopped counts as offline. */
export function effectiveState(s: Pick<BotStatus, 'state' | 'lastHeartbeatAt' | 'heartbeatSeconds'>, now: Date): BotState {
  const staleAfter = (s.heartbeatSeconds ?? 30) * 3 * 1000;
  if (now.getTime() - s.lastHeartbeatAt.getTime() > staleAfter) return 'offline';
  return s.state as BotState;
}

export async function listBotStatuses(): Promise<BotStatus[]> {
  return BotStatusModel.find().sort({ bot: 1 }).lean<BotStatus[]>();
}
