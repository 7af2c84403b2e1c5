import type { ContactSelf as ContactSelfInterface } from 'wechaty';
import { recordBotState } from '../../../src/modules/bot-status';
import type { BotContext } from '../context';

export function onLogin(ctx: BotContext) {
  return async function handleLogin(user: ContactSelfInterface): Promise<void> {
    ctx.logger.info({ account: user.id }, 'bot logged in');
    ctx.onLoggedIn();
    await recordBotState(ctx.botKey, { state: 'logged_in', account: user.id, accountName: user.name(), lastError: null }, ctx.now()).catch((err) =>
      ctx.logger.error({ err }, 'could not record bot state'),
    );
    ctx.sender.kick();
  };
}
