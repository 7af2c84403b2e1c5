import type { Config } from '../../config';
import type { Logger } from '../../logging/logger';
import { createConversationCore, type ConversationCoreOverrides } from '../../modules/conversations';
import { verificationFromConfig } from '../../modules/verification';
import { createKfChannel, type KfChannel, type KfChannelOptions } from '../wecom-kf/kf.channel';
import type { CallbackKeys } from './callback-crypto';
import { createWecomClient, type WecomClient } from './client';
import { createAlertChannels, type AlertChannels } from './alerts';
import { createGroupTaskChannel, type GroupTaskChannel } from './group-tasks';
import { appSecret, contactSecret, kfSecret, roadStates, ROAD_LABELS, type RoadState, type WecomRoad } from './settings';
import { WecomRoadStateModel, type WecomRoadStateDoc } from './wecom.models';

/**
 * The WeCom roads of one process: the API client and the channels whose settings are complete.
 * createApp() makes one when none is given (the callback route needs it); main.ts starts it
 * (outbox senders, recovery and status polls), so every instance shares the work.
 */
export interface WecomRuntime {
  roads: Record<WecomRoad, RoadState>;
  client: WecomClient | null;
  callbackKeys: CallbackKeys | null;
  kf: KfChannel | null;
  groups: GroupTaskChannel | null;
  /** Officers' alerts: app messages (when the app road is on) and the rooms' group robots (always: a room may set one). */
  alerts: AlertChannels;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface WecomRuntimeOptions {
  config: Config;
  logger: Logger;
  now?: () => Date;
  /** Conversation core overrides (tests: a knowledge instance, no model). */
  core?: Pick<ConversationCoreOverrides, 'knowledge' | 'ai'>;
  kf?: Partial<Pick<KfChannelOptions, 'staleMs' | 'beforeHandle' | 'outbox'>>;
  clientOptions?: { backoffMs?: number; attempts?: number };
  alerts?: { watcherPollMs?: number };
}

export function createWecomRuntime(options: WecomRuntimeOptions): WecomRuntime {
  const { config } = options;
  const logger = options.logger.child({ wecom: true });
  const now = options.now ?? (() => new Date());
  const roads = roadStates(config);
  const client = config.WECOM_CORP_ID ? createWecomClient({ base: config.WECOM_API_BASE, corpId: config.WECOM_CORP_ID, logger, now, ...options.clientOptions }) : null;
  const callbackKeys =
    config.WECOM_CORP_ID && config.WECOM_CALLBACK_TOKEN && config.WECOM_CALLBACK_AES_KEY
      ? { corpId: config.WECOM_CORP_ID, token: config.WECOM_CALLBACK_TOKEN, aesKey: config.WECOM_CALLBACK_AES_KEY }
      : null;
  const secret = kfSecret(config);
  const kf =
    roads.kf.on && client && secret
      ? createKfChannel({
          config,
          logger,
          client,
          secret,
          now,
          core: createConversationCore(config, logger, { verification: verificationFromConfig(config, { logger, now }), ...options.core, now }),
          ...options.kf,
        })
      : null;
  const contact = contactSecret(config);
  const groups = roads.groups.on && client && contact ? createGroupTaskChannel({ config, logger, client, secret: contact, now }) : null;
  // Robots need no corp id (the webhook key is the credential): they get a client of their own when WeCom is not configured.
  const alerts = createAlertChannels({
    config,
    logger,
    client: client ?? createWecomClient({ base: config.WECOM_API_BASE, corpId: '', logger, now, ...options.clientOptions }),
    appSecret: roads.alerts.on ? appSecret(config) : null,
    now,
    watcherPollMs: options.alerts?.watcherPollMs,
  });
  for (const [road, state] of Object.entries(roads)) {
    if (!state.on) logger.debug({ road, missing: state.missing }, 'WeCom road off: settings missing');
  }
  return {
    roads,
    client,
    callbackKeys,
    kf,
    groups,
    alerts,
    async start() {
      if (kf) await kf.start();
      if (groups) await groups.start();
      await alerts.start();
      for (const [road, state] of Object.entries(roads)) {
        if (state.on) logger.info({ road }, 'WeCom road on');
        else if (state.missing.length < 4) logger.warn({ road, missing: state.missing }, 'WeCom road off: settings missing');
      }
    },
    async stop() {
      if (kf) await kf.stop();
      if (groups) await groups.stop();
      await alerts.stop();
    },
  };
}

export interface RoadStatus {
  road: WecomRoad;
  label: string;
  on: boolean;
  missing: string[];
  tokenFresh: boolean;
  tokenExpiresAt: Date | null;
  callbackVerifiedAt: Date | null;
  lastEventAt: Date | null;
  lastCallAt: Date | null;
  lastErrorAt: Date | null;
  lastError: string | null;
}

/** What admins see per road (GET /api/channels/status). */
export async function wecomStatus(config: Config, now: Date): Promise<RoadStatus[]> {
  const roads = roadStates(config);
  const docs = await WecomRoadStateModel.find({ _id: { $in: Object.keys(roads) } }).lean<WecomRoadStateDoc[]>();
  const byId = new Map(docs.map((d) => [d._id, d]));
  return (Object.keys(roads) as WecomRoad[]).map((road) => {
    const d = byId.get(road);
    return {
      road,
      label: ROAD_LABELS[road],
      on: roads[road].on,
      missing: roads[road].missing,
      tokenFresh: !!d?.tokenExpiresAt && d.tokenExpiresAt.getTime() > now.getTime(),
      tokenExpiresAt: d?.tokenExpiresAt ?? null,
      callbackVerifiedAt: road === 'kf' ? (d?.callbackVerifiedAt ?? null) : null,
      lastEventAt: d?.lastEventAt ?? null,
      lastCallAt: d?.lastCallAt ?? null,
      lastErrorAt: d?.lastErrorAt ?? null,
      lastError: d?.lastError ?? null,
    };
  });
}
