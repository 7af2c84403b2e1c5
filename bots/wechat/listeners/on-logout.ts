import type { ContactSelf as ContactSelfInterface } from 'wechaty';
import { recordBotState } from '../../../src/modules/bot-status';
import type { BotContext } from '../context';

export function onLogout(ctx: BotContext) {
  return async function handleLogout(user: ContactSelfInterface, reason?: string): Promise<void> {
    ctx.logger.warn({ account: user.id, reason }, 'bot logged out');
    await recordBotState(ctx.botKey, { state: 'offline', lastError: reason ? `logout: ${reason}`.slice(0, 500) : 'logout' }, ctx.now()).catch((err) =>
      ctx.logger.error({ err }, 'could not record bot state'),
    );
    ctx.onLoggedOut(reason ?? 'logout');
  };
}
