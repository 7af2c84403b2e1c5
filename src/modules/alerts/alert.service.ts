import { DateTime } from 'luxon';
import type { Types } from 'mongoose';
import type { Config } from '../../config';
import { conflict } from '../../lib/errors';
import { isSealed, openSecret, sealSecret, SecretsKeyMissing } from '../../lib/secret-box';
import { ITEM_KIND_LABELS, type ItemKind } from '../items';
import { wecomUserIdsOf } from '../officers';
import { enqueueMessage } from '../outbox';
import { roomByCode } from '../rooms';
import { RoomAlertSettingsModel, type RoomAlertSettings } from './alert-settings.model';

/**
 * Officers' alerts through WeCom: a new emergency, a new tip, an SLA escalation. They go as a
 * WeCom app message (message/send) to the WeCom userids on the officer records of the room
 * (of the district's supervisors for the second SLA level), and to the room's internal group
 * robot when one is set. They carry ONLY the item's code, its kind, the room and a link to the
 * inbox: never what the resident wrote, their name or any number (an alert lands on a phone
 * that others may see, and a robot posts into a group).
 *
 * Each alert is an outbox message keyed by event and road, so however many instances see the
 * item, it goes out once. Emergencies are urgent: no cap or count holds them.
 */
export type AlertEvent = 'new' | 'sla' | 'sla_supervisor';

export interface AlertItem {
  _id: Types.ObjectId | string;
  code: string;
  kind: string;
  room: string;
}

export interface AlertSettings {
  /** The WeCom app road is configured (corp id, agent id, app secret). */
  appOn: boolean;
  publicUrl: string;
  /** Dates in alerts (Asia/Shanghai). */
  zone?: string;
}

export function alertSettings(config: Pick<Config, 'WECOM_CORP_ID' | 'WECOM_APP_AGENT_ID' | 'WECOM_APP_SECRET' | 'PUBLIC_URL' | 'APP_TIMEZONE'>): AlertSettings {
  return {
    appOn: Boolean(config.WECOM_CORP_ID && config.WECOM_APP_AGENT_ID && config.WECOM_APP_SECRET),
    publicUrl: config.PUBLIC_URL.replace(/\/+$/, ''),
    zone: config.APP_TIMEZONE,
  };
}

/** Which new items are announced to officers at once. */
export const ALERTED_KINDS: ReadonlySet<string> = new Set(['emergency', 'tip']);

const HEADS: Record<AlertEvent, (kind: string) => string> = {
  new: (kind) => (kind === 'emergency' ? '【紧急警情】新的紧急事项，请立即处理' : `【新事项】新的${ITEM_KIND_LABELS[kind as ItemKind] ?? '事项'}`),
  sla: () => '【超时提醒】事项已超过处理时限',
  sla_supervisor: () => '【超时上报】事项超时仍未处理',
};

/**
 * The alert's text: the code, the kind, the room and the link. Nothing else can get in. A late
 * alert (the item was created while no instance was watching) says so, with when the item
 * came in (Beijing time), so officers know it has been waiting.
 */
export function alertText(props: { event: AlertEvent; code: string; kind: string; roomName: string; publicUrl: string; lateSince?: Date | null; zone?: string }): string {
  const kindLabel = ITEM_KIND_LABELS[props.kind as ItemKind] ?? '事项';
  const late = props.lateSince
    ? [`【延迟提醒】该事项于 ${DateTime.fromJSDate(props.lateSince, { zone: props.zone ?? 'Asia/Shanghai' }).toFormat('MM-dd HH:mm')} 提交，当时提醒服务未运行，现补发`]
    : [];
  return [
    HEADS[props.event](props.kind),
    ...late,
    `编号：${props.code}`,
    `类型：${kindLabel}`,
    `警务室：${props.roomName}`,
    `处理：${props.publicUrl}/inbox/?item=${encodeURIComponent(props.code)}`,
  ].join('\n');
}

/**
 * The room's robot webhook key, if one is set (opened with SECRETS_KEY). A plain value stored
 * before encryption is sealed now, when a key is configured.
 */
export async function roomRobotKey(room: string, secretsKey: Buffer | null): Promise<string | null> {
  const doc = await RoomAlertSettingsModel.findById(room).lean<RoomAlertSettings>();
  if (!doc?.robotKey) return null;
  if (!isSealed(doc.robotKey)) {
    if (secretsKey) await RoomAlertSettingsModel.updateOne({ _id: room, robotKey: doc.robotKey }, { $set: { robotKey: sealSecret(doc.robotKey, secretsKey) } });
    return doc.robotKey;
  }
  if (!secretsKey) throw new SecretsKeyMissing('警务室群机器人 key');
  return openSecret(doc.robotKey, secretsKey);
}

/** Sets (or clears with null) the room's robot webhook key, sealed with SECRETS_KEY (required to set one). */
export async function setRoomRobotKey(room: string, key: string | null, now: Date, secretsKey: Buffer | null): Promise<void> {
  if (key !== null && !secretsKey) {
    throw conflict('未配置 SECRETS_KEY，群机器人 key 无法加密保存；请先在配置中设置 SECRETS_KEY（Set SECRETS_KEY first）', 'secrets_key_missing');
  }
  await RoomAlertSettingsModel.updateOne({ _id: room }, { $set: { robotKey: key === null ? null : sealSecret(key, secretsKey!), updatedAt: now } }, { upsert: true });
}

/** Whether the room has a robot (no key is opened). */
async function roomHasRobot(room: string): Promise<boolean> {
  const doc = await RoomAlertSettingsModel.findById(room, { robotKey: 1 }).lean<RoomAlertSettings>();
  return Boolean(doc?.robotKey);
}

/** Rooms that have a robot, each with its key masked for display ("abcd****wxyz"; "已加密" when it cannot be opened). */
export async function roomsWithRobot(secretsKey: Buffer | null): Promise<Map<string, string>> {
  const docs = await RoomAlertSettingsModel.find({ robotKey: { $ne: null } }, { _id: 1, robotKey: 1 }).lean<Array<{ _id: string; robotKey: string }>>();
  const out = new Map<string, string>();
  for (const d of docs) {
    let shown = '已加密';
    try {
      if (!isSealed(d.robotKey) || secretsKey) shown = maskKey(openSecret(d.robotKey, secretsKey));
    } catch {
      // a key sealed under another SECRETS_KEY: shown as encrypted
    }
    out.set(d._id, shown);
  }
  return out;
}

function maskKey(key: string): string {
  return key.length <= 8 ? '****' : `${key.slice(0, 4)}****${key.slice(-4)}`;
}

/**
 * Start-up check of the stored robot keys: without SECRETS_KEY while keys are stored, or with a
 * SECRETS_KEY that does not open them, the service must not start (alerts would fail
 * silently); with a key, plain values stored before encryption are sealed now.
 */
export async function checkStoredRobotKeys(secretsKey: Buffer | null): Promise<{ sealed: number }> {
  const docs = await RoomAlertSettingsModel.find({ robotKey: { $ne: null } }, { _id: 1, robotKey: 1 }).lean<Array<{ _id: string; robotKey: string }>>();
  if (docs.length && !secretsKey) {
    throw new SecretsKeyMissing(`数据库中保存了 ${docs.length} 个警务室的群机器人 key（${docs.map((d) => d._id).join('、')}），`);
  }
  let sealed = 0;
  for (const d of docs) {
    if (isSealed(d.robotKey)) {
      try {
        openSecret(d.robotKey, secretsKey);
      } catch {
        throw new Error(`SECRETS_KEY 无法解开警务室 ${d._id} 的群机器人 key：密钥与加密时不同（SECRETS_KEY does not open the stored robot key of room ${d._id}）`);
      }
      continue;
    }
    await RoomAlertSettingsModel.updateOne({ _id: d._id, robotKey: d.robotKey }, { $set: { robotKey: sealSecret(d.robotKey, secretsKey!) } });
    sealed++;
  }
  return { sealed };
}

/**
 * Queues the alerts of one event about one item. `eventKey` names the event (the item for
 * 'new', the escalation for SLA): the same event queued again (another instance, a retry)
 * stores nothing new. Resolves how many messages were newly queued.
 */
export async function queueItemAlert(props: { item: AlertItem; event: AlertEvent; eventKey: string; settings: AlertSettings; now: Date; lateSince?: Date | null }): Promise<number> {
  const { item, event, settings } = props;
  const room = await roomByCode(item.room, { fields: ['code', 'name', 'district'] });
  const roomName = room?.name ?? item.room;
  const text = alertText({ event, code: item.code, kind: item.kind, roomName, publicUrl: settings.publicUrl, lateSince: props.lateSince, zone: settings.zone });
  const urgent = item.kind === 'emergency';
  const common = { text, purpose: 'alert', urgent, notBefore: props.now, item: item._id, source: `alert:${event}` };
  let queued = 0;
  if (settings.appOn) {
    const target = event === 'sla_supervisor' ? (room?.district ? { district: room.district } : null) : { room: item.room };
    const users = target ? await wecomUserIdsOf(target) : [];
    if (users.length) {
      const { created } = await enqueueMessage({
        ...common,
        key: `alert:${props.eventKey}:app`,
        // message/send takes several userids joined by "|": one message for the room's officers.
        to: { channel: 'wecom-app', conversationId: users.join('|'), isGroup: false },
      });
      if (created) queued++;
    }
  }
  if (event !== 'sla_supervisor' && (await roomHasRobot(item.room))) {
    const { created } = await enqueueMessage({ ...common, key: `alert:${props.eventKey}:robot`, to: { channel: 'wecom-robot', conversationId: item.room, isGroup: true } });
    if (created) queued++;
  }
  return queued;
}
