import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { WechatyBuilder, type Wechaty } from 'wechaty';
import type { Config } from '../../src/config';
import { maskPersonalData } from '../../src/lib/mask';
import type { Logger } from '../../src/logging/logger';
import { heartbeat, recordBotState } from '../../src/modules/bot-status';
import { createConversationCore, type ConversationCoreOverrides, type Knowledge } from '../../src/modules/conversations';
import { createRateLimiter } from '../../src/modules/rate-limits';
import { verificationFromConfig } from '../../src/modules/verification';
import { findGroupBinding } from '../../src/modules/groups';
import { channelLimits, createOutboxSender, type OutboxMessage, type OutboxSenderOptions, takeCountedSend, wechatCapReason } from '../../src/modules/outbox';
import type { BotContext } from './context';
import { onLogin } from './listeners/on-login';
import { onLogout } from './listeners/on-logout';
import { onMessage } from './listeners/on-message';
import { onScan } from './listeners/on-scan';

export interface PoliceRoomBotOptions {
  /** A puppet instance (tests: wechaty-puppet-mock). Default: WECHATY_PUPPET (+ WECHATY_PUPPET_SERVICE_TOKEN). */
  puppet?: unknown;
  config: Config;
  logger: Logger;
  now?: () => Date;
  knowledge?: Knowledge;
  ai?: ConversationCoreOverrides['ai'];
  /** Wraps the actual WeChat send (tests inject failures here). */
  transport?: (message: OutboxMessage, send: (message: OutboxMessage) => Promise<void>) => Promise<void>;
  /** Sender tuning (tests: short backoff). */
  outbox?: Partial<Pick<OutboxSenderOptions, 'baseBackoffMs' | 'maxBackoffMs' | 'staleSendingMs' | 'batchSize'>>;
}

export interface PoliceRoomBot {
  bot: Wechaty;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export class BotStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BotStartError';
  }
}

/**
 * The WeChat bot: a Wechaty with one listener per event (listeners/), the outbox sender for
 * channel 'wechat', a heartbeat with the bot's state in MongoDB, and reconnects with backoff.
 * All conversation logic is in the core (src/modules/conversations).
 */
export function createPoliceRoomBot(options: PoliceRoomBotOptions): PoliceRoomBot {
  const { config } = options;
  const logger = options.logger.child({ bot: config.BOT_NAME });
  const now = options.now ?? (() => new Date());
  const botKey = config.BOT_NAME;
  const bot = buildWechaty(options);
  const groupCache = new Map<string, { room: string | null; at: number }>();
  let heartbeatTimer: NodeJS.Timeout | null = null;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let reconnectDelay = 1_000;
  let stopping = false;

  const core = createConversationCore(config, logger, { knowledge: options.knowledge, ai: options.ai, verification: verificationFromConfig(config, { logger, now }), now });

  async function sendToWechat(message: OutboxMessage): Promise<void> {
    if (!bot.isLoggedIn) throw new Error('bot is not logged in');
    if (message.isGroup) {
      const room = await bot.Room.find({ id: message.conversationId });
      if (!room) throw new Error('group not found');
      // Last line of defence: nothing that looks like a phone or ID number goes into a group.
      const text = maskPersonalData(message.text);
      const mention = message.mentionId ? await bot.Contact.find({ id: message.mentionId }) : undefined;
      if (mention) await room.say(text, mention);
      else await room.say(text);
    } else {
      const contact = await bot.Contact.find({ id: message.conversationId });
      if (!contact) throw new Error('contact not found');
      await contact.say(message.text);
    }
  }

  const wechatLimits = channelLimits(config).wechat!;
  const senderId = `${botKey}#${hostname()}#${process.pid}#${randomBytes(3).toString('hex')}`;
  const sender = createOutboxSender({
    channel: 'wechat',
    senderId,
    logger,
    now,
    maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
    ...options.outbox,
    send: async (m) => {
      // The daily cap lives in the outbox's limits table (src/modules/outbox/limits.ts): a
      // message over it is held until tomorrow with the reason; an emergency answer never is.
      await takeCountedSend({ limits: wechatLimits, scope: `wechat:${botKey}`, message: m, at: now(), zone: config.APP_TIMEZONE, reason: wechatCapReason(config.BOT_DAILY_SEND_CAP) });
      await (options.transport ? options.transport(m, sendToWechat) : sendToWechat(m));
    },
    canSend: () => bot.isLoggedIn,
  });

  const ctx: BotContext = {
    bot,
    config,
    logger,
    now,
    botKey,
    core,
    limits: {
      sender: createRateLimiter({ name: 'wx-sender', points: config.BOT_RATE_SENDER_PER_MIN, windowMs: 60_000 }),
      group: createRateLimiter({ name: 'wx-group', points: config.BOT_RATE_GROUP_PER_MIN, windowMs: 60_000 }),
      bind: createRateLimiter({ name: 'wx-bind', points: config.BOT_BIND_COMMANDS_PER_10MIN, windowMs: 10 * 60_000 }),
      groupEmergency: createRateLimiter({ name: 'wx-emergency', points: 1, windowMs: config.EMERGENCY_REPEAT_MINUTES * 60_000 }),
    },
    sender,
    async groupRoom(groupId) {
      const hit = groupCache.get(groupId);
      if (hit && Date.now() - hit.at < 30_000) return hit.room;
      const binding = await findGroupBinding(groupId);
      groupCache.set(groupId, { room: binding?.room ?? null, at: Date.now() });
      return binding?.room ?? null;
    },
    forgetGroup(groupId) {
      groupCache.delete(groupId);
    },
    onLoggedIn() {
      reconnectDelay = 1_000;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = null;
    },
    onLoggedOut(reason) {
      scheduleReconnect(reason);
    },
  };

  bot.on('scan', onScan(ctx));
  bot.on('login', onLogin(ctx));
  bot.on('logout', onLogout(ctx));
  bot.on('message', onMessage(ctx));
  bot.on('error', (err) => logger.error({ err: err.message }, 'wechaty error'));

  function scheduleReconnect(reason: string): void {
    if (stopping || reconnectTimer) return;
    const delay = reconnectDelay;
    reconnectDelay = Math.min(reconnectDelay * 2, 5 * 60_000);
    logger.warn({ reason, delayMs: delay }, 'reconnecting');
    reconnectTimer = setTimeout(async () => {
      reconnectTimer = null;
      if (stopping || bot.isLoggedIn) return;
      try {
        await bot.stop();
        await bot.start();
      } catch (err) {
        logger.error({ err: (err as Error).message }, 'reconnect failed');
        scheduleReconnect('reconnect failed');
      }
    }, delay);
    reconnectTimer.unref?.();
  }

  async function beat(): Promise<void> {
    const at = now();
    await heartbeat(botKey, at);
    if (!bot.isLoggedIn && !stopping) scheduleReconnect('not logged in at heartbeat');
  }

  return {
    bot,
    async start() {
      stopping = false;
      await recordBotState(botKey, { state: 'starting', puppet: options.puppet ? 'custom' : config.WECHATY_PUPPET, heartbeatSeconds: config.BOT_HEARTBEAT_SECONDS }, now());
      try {
        await bot.start();
      } catch (err) {
        const reason = (err as Error).message ?? String(err);
        await recordBotState(botKey, { state: 'offline', lastError: `start failed: ${reason}`.slice(0, 500) }, now()).catch(() => undefined);
        throw new BotStartError(
          `微信机器人启动失败（WeChat bot failed to start）: ${reason}\n` +
            `检查 WECHATY_PUPPET（当前 ${config.WECHATY_PUPPET}）是否已安装、WECHATY_PUPPET_SERVICE_TOKEN 是否正确。`,
          { cause: err },
        );
      }
      // Build the understanding index (FAQ from the database) now, not on the first resident's message.
      await core.warmUp();
      sender.start(config.OUTBOX_POLL_MS);
      heartbeatTimer = setInterval(() => void beat().catch((err) => logger.warn({ err: (err as Error).message }, 'heartbeat failed')), config.BOT_HEARTBEAT_SECONDS * 1000);
      heartbeatTimer.unref?.();
      logger.info({ puppet: options.puppet ? 'custom' : config.WECHATY_PUPPET }, 'bot started');
    },
    async stop() {
      stopping = true;
      if (heartbeatTimer) clearInterval(heartbeatTimer);
      if (reconnectTimer) clearTimeout(reconnectTimer);
      heartbeatTimer = reconnectTimer = null;
      await sender.stop();
      await bot.stop().catch((err) => logger.warn({ err: (err as Error).message }, 'error while stopping wechaty'));
      await recordBotState(botKey, { state: 'offline' }, now()).catch(() => undefined);
      logger.info('bot stopped');
    },
  };
}

function buildWechaty(options: PoliceRoomBotOptions): Wechaty {
  const { config } = options;
  if (options.puppet) {
    return WechatyBuilder.build({ name: config.BOT_NAME, puppet: options.puppet as never });
  }
  const token = config.WECHATY_PUPPET_SERVICE_TOKEN;
  return WechatyBuilder.build({
    name: config.BOT_NAME,
    puppet: (token && config.WECHATY_PUPPET === 'wechaty-puppet-wechat4u' ? 'wechaty-puppet-service' : config.WECHATY_PUPPET) as never,
    puppetOptions: token ? { token } : undefined,
  });
}
