import type { Message as MessageInterface } from 'wechaty';
import { types } from 'wechaty';
import { groupAddress, lastOptions, pickOption, renderForWechat } from '../../../src/channels/wechat/wechat.adapter';
import { loadOptions, optionsKey, saveOptions } from '../../../src/channels/wechat/options-store';
import type { InboundMessage } from '../../../src/modules/conversations';
import { detectEmergencyWithNet } from '../../../src/understanding';
import { handleBindCommand, isOfficerWechatId, parseBindCommand } from '../../../src/modules/groups';
import { enqueueMessage } from '../../../src/modules/outbox';
import type { BotContext } from '../context';

/**
 * Thin listener: decides whether the bot is addressed, turns the WeChat message into an
 * InboundMessage, runs the core, and puts the replies in the outbox (the sender loop
 * delivers them). Message text is never logged at info level.
 */
export function onMessage(ctx: BotContext, concurrency = 4) {
  // A burst (a busy group, a backlog after reconnect) is handled a few at a time: hundreds of
  // concurrent handlers only fight over the database and make every answer late.
  let active = 0;
  const waiting: Array<() => void> = [];
  return async function handleMessage(msg: MessageInterface): Promise<void> {
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      await process(ctx, msg);
    } catch (err) {
      ctx.logger.error({ err, message: msg.id }, 'message handling failed');
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

async function process(ctx: BotContext, msg: MessageInterface): Promise<void> {
  if (msg.self()) return;
  if (msg.age() > ctx.config.BOT_MAX_MESSAGE_AGE_SECONDS) return;
  if (msg.type() !== types.Message.Text) return;
  const talker = msg.talker();
  const room = msg.room();
  const now = ctx.now();
  const account = ctx.bot.isLoggedIn ? ctx.bot.currentUser.id : null;
  const raw = msg.text() ?? '';

  let inbound: InboundMessage;
  if (room) {
    const names = [ctx.config.BOT_NAME];
    if (ctx.bot.isLoggedIn) {
      names.push(ctx.bot.currentUser.name());
      const alias = await room.alias(ctx.bot.currentUser).catch(() => undefined);
      if (alias) names.push(alias);
    }
    const mentionSelf = await msg.mentionSelf().catch(() => false);
    const mentionText = mentionSelf ? await msg.mentionText().catch(() => null) : null;
    const addr = groupAddress({ text: raw, mentionSelf, mentionText, botNames: names, keyword: ctx.config.BOT_GROUP_KEYWORD });

    // Binding commands work with or without a mention, in bound and unbound groups. Officers
    // (by WeChat id) count against their own sender limit; anyone else's commands against the
    // group's small command limit, so a member cannot spend the account's daily cap on refusals.
    const bindText = addr.addressed ? addr.text : raw;
    if (parseBindCommand(bindText)) {
      const byOfficer = await isOfficerWechatId(talker.id);
      const ok = byOfficer
        ? (await ctx.limits.sender.consume(`s:${talker.id}`, now)).allowed
        : (await ctx.limits.bind.consume(`g:${room.id}`, now)).allowed;
      if (!ok) {
        ctx.logger.info({ group: room.id, officer: byOfficer }, 'bind command rate limited');
        return;
      }
      const bind = await handleBindCommand({ groupId: room.id, topic: await room.topic().catch(() => ''), senderId: talker.id, account, text: bindText, now });
      if (bind) {
        ctx.forgetGroup(room.id);
        ctx.logger.info({ group: room.id, bound: bind.bound }, 'group bind command');
        await deliver(ctx, msg, { conversationId: room.id, isGroup: true, mentionId: talker.id, account }, [{ text: bind.reply }], false);
        return;
      }
    }
    const roomCode = await ctx.groupRoom(room.id);
    if (!roomCode) return; // unbound groups get no answers
    // An emergency is answered whatever the limits. Unaddressed, it is answered (and the room's
    // officers alerted) once per sender per EMERGENCY_REPEAT_MINUTES, so a panicking resident
    // is not spammed; other unaddressed messages stay unanswered.
    const emergency = detectEmergencyWithNet(addr.text) !== null;
    if (!addr.addressed) {
      if (!emergency) return;
      if (!(await ctx.limits.groupEmergency.consume(`${room.id}:${talker.id}`, now)).allowed) return;
    } else if (!emergency && !(await allowed(ctx, `g:${room.id}`, `s:${talker.id}`, now))) return;
    const text = emergency ? addr.text : (pickOption(addr.text, await loadOptions(optionsKey(room.id, talker.id), now)) ?? addr.text);
    inbound = { channel: 'wechat', conversationId: room.id, senderId: talker.id, senderName: talker.name(), text, isGroup: true, mentioned: addr.addressed, room: roomCode, receivedAt: msg.date() };
  } else {
    if (talker.type() !== types.Contact.Individual) return; // official accounts etc.
    if (!detectEmergencyWithNet(raw) && !(await allowed(ctx, null, `s:${talker.id}`, now))) return;
    const text = pickOption(raw, await loadOptions(optionsKey(talker.id, talker.id), now)) ?? raw.trim();
    inbound = { channel: 'wechat', conversationId: talker.id, senderId: talker.id, senderName: talker.name(), text, isGroup: false, mentioned: true, room: null, receivedAt: msg.date() };
  }

  const result = await ctx.core.handle(inbound);
  ctx.logger.info({ route: result.route, group: inbound.isGroup, room: result.room, item: result.itemCode }, 'wechat message handled');
  await saveOptions(optionsKey(inbound.conversationId, inbound.senderId), lastOptions(result.replies), now);
  await deliver(
    ctx,
    msg,
    { conversationId: inbound.conversationId, isGroup: inbound.isGroup, mentionId: inbound.isGroup ? talker.id : undefined, account },
    result.replies,
    result.route === 'emergency',
  );
}

async function allowed(ctx: BotContext, groupKey: string | null, senderKey: string, now: Date): Promise<boolean> {
  const s = await ctx.limits.sender.consume(senderKey, now);
  if (!s.allowed) {
    ctx.logger.info({ key: 'sender' }, 'rate limited');
    return false;
  }
  if (groupKey) {
    const g = await ctx.limits.group.consume(groupKey, now);
    if (!g.allowed) {
      ctx.logger.info({ key: 'group' }, 'rate limited');
      return false;
    }
  }
  return true;
}

/** Replies go through the outbox (keyed by the WeChat message id: handling a message twice stores them once). */
async function deliver(
  ctx: BotContext,
  msg: MessageInterface,
  to: { conversationId: string; isGroup: boolean; mentionId?: string; account: string | null },
  replies: Array<{ text: string; options?: Array<{ label: string; value: string }> }>,
  urgent: boolean,
): Promise<void> {
  for (const [i, reply] of replies.entries()) {
    await enqueueMessage({
      key: `wechat:${msg.id}:${i}`,
      to: { channel: 'wechat', conversationId: to.conversationId, isGroup: to.isGroup, mentionId: to.mentionId, account: to.account ?? undefined },
      text: renderForWechat(reply),
      options: reply.options,
      purpose: 'reply',
      urgent,
      source: 'bot',
    });
  }
  if (replies.length) ctx.sender.kick();
}
