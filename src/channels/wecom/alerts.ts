import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config';
import { secretsKey } from '../../lib/secret-box';
import type { Logger } from '../../logging/logger';
import { alertSettings, createAlertWatcher, roomRobotKey, type AlertWatcher } from '../../modules/alerts';
import { channelLimits, claimRateSlot, createOutboxSender, isValuable, OutboxGiveUp, OutboxHold, type OutboxMessage, type OutboxSender } from '../../modules/outbox';
import type { WecomClient } from './client';
import type { WecomSecret } from './settings';

/**
 * The officers' alert roads: WeCom app messages (message/send, `touser` = "id1|id2") and the
 * rooms' internal group robots (webhook/send), each an outbox sender; plus the watcher that
 * queues alerts for new emergencies and tips.
 *
 * Robot limit: 20 messages a minute per robot, counted by insert per minute (shared by every
 * instance). Alerts that are not emergencies stop at 18 and wait for the next minute; an
 * emergency alert is never held by the count.
 */
export const ROBOT_HOLD_REASON = '企业微信群机器人每分钟最多发送20条，这条提醒在下一分钟发出';

export interface AlertChannels {
  app: OutboxSender | null;
  robot: OutboxSender;
  watcher: AlertWatcher;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createAlertChannels(options: {
  config: Config;
  logger: Logger;
  client: WecomClient;
  appSecret: WecomSecret | null;
  now?: () => Date;
  watcherPollMs?: number;
}): AlertChannels {
  const { config, client } = options;
  const now = options.now ?? (() => new Date());
  const log = options.logger.child({ channel: 'wecom-alerts' });
  const id = `${hostname()}#${process.pid}#${randomBytes(3).toString('hex')}`;
  const settings = alertSettings(config);
  const robotLimits = channelLimits(config)['wecom-robot']!;

  async function sendApp(message: OutboxMessage): Promise<void> {
    if (!options.appSecret || !config.WECOM_APP_AGENT_ID) throw new OutboxGiveUp('企业微信应用未配置（WECOM_APP_AGENT_ID / WECOM_APP_SECRET）');
    await client.call(options.appSecret, {
      api: 'message/send',
      body: { touser: message.conversationId, msgtype: 'text', agentid: Number(config.WECOM_APP_AGENT_ID), text: { content: message.text }, safe: 0 },
      purpose: 'officer alert',
    });
  }

  async function sendRobot(message: OutboxMessage): Promise<void> {
    const key = await roomRobotKey(message.conversationId, secretsKey(config.SECRETS_KEY));
    if (!key) throw new OutboxGiveUp('该警务室没有配置企业微信群机器人');
    const at = now();
    const minute = Math.floor(at.getTime() / robotLimits.windowMs) * robotLimits.windowMs;
    const slot = await claimRateSlot({ limits: robotLimits, scope: `robot:${message.conversationId}`, windowStart: minute, valuable: Boolean(message.urgent), message: message._id, at });
    // An emergency goes out whatever the count says (WeCom's own 45009 is retried with backoff).
    if (slot === null && !(message.urgent && robotLimits.urgentBeyondCount)) throw new OutboxHold(new Date(minute + robotLimits.windowMs), ROBOT_HOLD_REASON);
    await client.robot(key, { msgtype: 'text', text: { content: message.text } }, isValuable(message) ? 'officer alert' : 'robot message');
  }

  const outbox = { logger: log, now, maxAttempts: config.OUTBOX_MAX_ATTEMPTS, baseBackoffMs: 1_000 };
  const app = options.appSecret && settings.appOn ? createOutboxSender({ ...outbox, channel: 'wecom-app', senderId: `app#${id}`, send: sendApp }) : null;
  const robot = createOutboxSender({ ...outbox, channel: 'wecom-robot', senderId: `robot#${id}`, send: sendRobot });
  const watcher = createAlertWatcher({
    settings,
    logger: log,
    now,
    pollMs: options.watcherPollMs,
    onQueued: () => {
      app?.kick();
      robot.kick();
    },
  });

  return {
    app,
    robot,
    watcher,
    async start() {
      app?.start(config.OUTBOX_POLL_MS);
      robot.start(config.OUTBOX_POLL_MS);
      watcher.start();
    },
    async stop() {
      await watcher.stop();
      await app?.stop();
      await robot.stop();
    },
  };
}
