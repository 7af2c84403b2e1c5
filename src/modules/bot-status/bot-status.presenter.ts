import type { BotState, BotStatus } from './bot-status.model';
import { effectiveState } from './bot-status.service';

export const BOT_STATE_LABELS: Record<BotState, string> = {
  starting: '启动中',
  waiting_for_scan: '等待扫码登录',
  logged_in: '在线',
  offline: '离线',
};

export function presentBotStatus(b: BotStatus, now: Date) {
  const state = effectiveState(b, now);
  return {
    bot: b.bot,
    state,
    stateLabel: BOT_STATE_LABELS[state],
    qrUrl: state === 'waiting_for_scan' ? (b.qrUrl ?? null) : null,
    accountName: b.accountName ?? null,
    puppet: b.puppet ?? null,
    lastHeartbeatAt: b.lastHeartbeatAt.toISOString(),
    stateChangedAt: b.stateChangedAt.toISOString(),
    lastError: b.lastError ?? null,
  };
}
