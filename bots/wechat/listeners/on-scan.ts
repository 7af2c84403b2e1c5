import qrcodeTerminal from 'qrcode-terminal';
import { ScanStatus } from 'wechaty';
import { recordBotState } from '../../../src/modules/bot-status';
import type { BotContext } from '../context';

/** Prints the login QR code in the terminal and records "waiting for scan" (with the QR link) for the officers' pages. */
export function onScan(ctx: BotContext) {
  return async function handleScan(qrcode: string, status: ScanStatus): Promise<void> {
    if (status !== ScanStatus.Waiting && status !== ScanStatus.Timeout) {
      ctx.logger.info({ status: ScanStatus[status] }, 'scan status');
      return;
    }
    const url = `https://wechaty.js.org/qrcode/${encodeURIComponent(qrcode)}`;
    if (ctx.config.NODE_ENV !== 'test') {
      qrcodeTerminal.generate(qrcode, { small: true });
      process.stdout.write(`请用警务室微信扫码登录（Scan to log in）: ${url}\n`);
    }
    await recordBotState(ctx.botKey, { state: 'waiting_for_scan', qrUrl: url }, ctx.now()).catch((err) => ctx.logger.error({ err }, 'could not record bot state'));
  };
}
