import { hostname } from 'node:os';
import { awaitingMessages, createOutboxSender, OutboxGiveUp, type OutboxMessage, type OutboxSender, type SendOutcome, updateAwaiting } from '../../modules/outbox';
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Config } from '../../config';
import { maskPersonalData } from '../../lib/mask';
import type { Logger } from '../../logging/logger';
import { firstReminder, recordCustomerGroups, takeMonthlyPost } from '../../modules/customer-groups';
import type { WecomClient, WecomResponse } from './client';
import type { WecomSecret } from './settings';

/**
 * Announcements into WeCom customer groups (https://developer.work.weixin.qq.com/document/path/92135).
 * No bot can post there: the outbox message for a group (channel 'wecom-group', conversationId =
 * chat_id, account = the owner's WeCom userid) becomes a group-send task with add_msg_template,
 * and waits (`awaiting`) until the owner taps "send" in WeCom. poll() reads each task's result
 * per group (get_groupmsg_send_result) and records sent / failed-and-why; a task nobody confirmed
 * after WECOM_GROUP_REMIND_HOURS reminds its owner once (remind_groupmsg_send). Each group takes
 * at most as many posts a month as the month has days.
 */
export const GROUP_TEXT = {
  awaiting: '等待群主（民警）在企业微信中确认发送',
  reminded: '等待群主（民警）在企业微信中确认发送；已提醒',
  quotaUsed: (of: number) => `本月该客户群的群发次数（${of}次）已用完`,
  failed: { 2: '群主已不在该群或群已解散，发送失败', 3: '该群已收到其他群发消息，本条未发送' } as Record<number, string>,
};

interface SendResult extends WecomResponse {
  send_list?: Array<{ chat_id?: string; status?: number; send_time?: number }>;
}

export interface GroupTaskChannel {
  sender: OutboxSender;
  poll(): Promise<number>;
  /** Lists the owners' customer groups (groupchat/list) into the database. */
  sync(owners: string[]): Promise<number>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createGroupTaskChannel(options: { config: Config; logger: Logger; client: WecomClient; secret: WecomSecret; now?: () => Date; pollMs?: number }): GroupTaskChannel {
  const { config, client, secret } = options;
  const now = options.now ?? (() => new Date());
  const log = options.logger.child({ channel: 'wecom-group' });
  let timer: NodeJS.Timeout | null = null;

  async function send(message: OutboxMessage): Promise<SendOutcome> {
    if (!message.account) throw new OutboxGiveUp('客户群没有群主（No owner）');
    const post = await takeMonthlyPost(message.conversationId, String(message._id), now(), config.APP_TIMEZONE);
    if (!post) throw new OutboxGiveUp(GROUP_TEXT.quotaUsed(DateTime.fromJSDate(now(), { zone: config.APP_TIMEZONE }).daysInMonth ?? 31));
    const res = await client.call<WecomResponse & { msgid?: string }>(secret, {
      api: 'externalcontact/add_msg_template',
      // Last line of defence, as in WeChat groups: nothing that looks like a phone or ID number goes into a group.
      body: { chat_type: 'group', sender: message.account, chat_id_list: [message.conversationId], text: { content: maskPersonalData(message.text) } },
      purpose: `group task:${message.purpose}`,
    });
    if (!res.msgid) throw new Error('add_msg_template returned no msgid');
    log.info({ chat: message.conversationId, task: res.msgid }, 'group-send task created; waiting for the owner to confirm');
    return { status: 'awaiting', externalId: res.msgid };
  }

  async function poll(): Promise<number> {
    const waiting = await awaitingMessages('wecom-group', 200);
    let changed = 0;
    for (const m of waiting) {
      if (!m.externalId || !m.account) continue;
      const res = await client.call<SendResult>(secret, { api: 'externalcontact/get_groupmsg_send_result', body: { msgid: m.externalId, userid: m.account, limit: 1000 }, purpose: 'group task status' });
      const mine = (res.send_list ?? []).find((r) => r.chat_id === m.conversationId);
      const status = Number(mine?.status ?? 0);
      if (status === 1) {
        const sentAt = mine?.send_time ? new Date(mine.send_time * 1000) : now();
        await updateAwaiting(m._id, { status: 'sent', sentAt, lastError: null });
        changed++;
      } else if (status === 2 || status === 3) {
        await updateAwaiting(m._id, { status: 'failed', lastError: GROUP_TEXT.failed[status] });
        changed++;
      } else {
        const waitedMs = now().getTime() - (m.handedOverAt ?? m.updatedAt).getTime();
        if (waitedMs >= config.WECOM_GROUP_REMIND_HOURS * 3600_000 && (await firstReminder(m.externalId, now()))) {
          await client
            .call(secret, { api: 'externalcontact/remind_groupmsg_send', body: { msgid: m.externalId }, purpose: 'remind group task' })
            .catch((err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'reminder failed'));
          await updateAwaiting(m._id, { lastError: GROUP_TEXT.reminded });
          changed++;
        } else if (!m.lastError) {
          await updateAwaiting(m._id, { lastError: GROUP_TEXT.awaiting });
        }
      }
    }
    return changed;
  }

  async function sync(owners: string[]): Promise<number> {
    const found: Array<{ chatId: string; owner: string }> = [];
    for (const owner of owners) {
      let cursor = '';
      for (let page = 0; page < 50; page++) {
        const res = await client.call<WecomResponse & { group_chat_list?: Array<{ chat_id: string }>; next_cursor?: string }>(secret, {
          api: 'externalcontact/groupchat/list',
          body: { status_filter: 0, owner_filter: { userid_list: [owner] }, cursor: cursor || undefined, limit: 1000 },
          purpose: 'list customer groups',
        });
        for (const g of res.group_chat_list ?? []) found.push({ chatId: g.chat_id, owner });
        cursor = res.next_cursor ?? '';
        if (!cursor) break;
      }
    }
    return recordCustomerGroups(found, now());
  }

  const sender = createOutboxSender({
    channel: 'wecom-group',
    senderId: `group#${hostname()}#${process.pid}#${randomBytes(3).toString('hex')}`,
    logger: log,
    now,
    maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
    send,
  });

  return {
    sender,
    poll,
    sync,
    async start() {
      sender.start(config.OUTBOX_POLL_MS);
      timer = setInterval(() => void poll().catch((err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'group task poll failed')), options.pollMs ?? 60_000);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await sender.stop();
    },
  };
}
