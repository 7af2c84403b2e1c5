/**
 * A real Wechaty bot (createPoliceRoomBot) on wechaty-puppet-mock: WeChat without WeChat.
 *
 *   const wx = await startMockWechat();                  // DB must be connected (startTestDatabase)
 *   const resident = wx.createResident('王阿姨');
 *   const group = wx.createGroup('和平里警民群', [resident]);
 *   resident.say('身份证丢了怎么办').to(wx.me);           // private chat with the bot
 *   resident.say('@警务室小助手 在吗', [wx.me]).to(group); // group message mentioning the bot
 *   await wx.waitForMessage(resident, (t) => t.includes('身份证'), 5000);
 *   wx.messagesTo(group)                                // everything the bot said in the group
 *   await wx.stop();
 *
 * Residents and groups are the mock's own ContactMock / RoomMock objects. The bot's replies
 * go through the real outbox and sender loop (polling every OUTBOX_POLL_MS, 100 ms here).
 * Stable API — the inbox's browser test uses it to see an officer's reply reach a resident.
 */
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import type { Config } from '../../src/config';
import type { Logger } from '../../src/logging/logger';
import { createPoliceRoomBot, type PoliceRoomBot, type PoliceRoomBotOptions } from '../../bots/wechat/bot';
import { testConfig, testLogger } from './app';

export type MockContact = mock.ContactMock;
export type MockRoom = mock.RoomMock;

export interface MockWechat {
  mocker: mock.Mocker;
  /** The Wechaty instance. */
  bot: PoliceRoomBot['bot'];
  policeBot: PoliceRoomBot;
  /** The bot's own contact (mention it: `resident.say('@警务室小助手 …', [wx.me]).to(group)`). */
  me: MockContact;
  config: Config;
  createResident(name: string): MockContact;
  createGroup(topic: string, members: MockContact[]): MockRoom;
  /** Texts the bot sent to this contact (private chat) or group, oldest first. */
  messagesTo(target: MockContact | MockRoom): string[];
  /**
   * Resolves with the first bot message to target matching predicate, among those from index
   * `after` on (default 0: already sent ones count; pass `messagesTo(target).length` taken before
   * speaking to accept only new ones); rejects after timeoutMs.
   */
  waitForMessage(target: MockContact | MockRoom, predicate: (text: string) => boolean, timeoutMs?: number, after?: number): Promise<string>;
  stop(): Promise<void>;
}

export interface StartMockWechatOptions {
  config?: Config;
  /** Env overrides for the default test config. */
  env?: Record<string, string>;
  logger?: Logger;
  botOptions?: Partial<Omit<PoliceRoomBotOptions, 'puppet' | 'config' | 'logger'>>;
}

export async function startMockWechat(options: StartMockWechatOptions = {}): Promise<MockWechat> {
  const config = options.config ?? testConfig({ OUTBOX_POLL_MS: '100', BOT_HEARTBEAT_SECONDS: '5', ...options.env });
  const logger = options.logger ?? testLogger();
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const policeBot = createPoliceRoomBot({
    puppet,
    config,
    logger,
    outbox: { baseBackoffMs: 200, maxBackoffMs: 1000 },
    ...options.botOptions,
  });
  await policeBot.start();
  const me = mocker.createContact({ name: config.BOT_NAME });
  const loggedIn = new Promise<void>((resolve) => policeBot.bot.once('login', () => resolve()));
  mocker.login(me);
  await loggedIn;

  const sent = new Map<string, string[]>();
  const waiters = new Set<{ id: string; after: number; predicate: (t: string) => boolean; resolve: (t: string) => void }>();
  const record = (targetId: string, text: string) => {
    const list = sent.get(targetId) ?? [];
    list.push(text);
    sent.set(targetId, list);
    for (const w of [...waiters]) {
      if (w.id === targetId && list.length > w.after && w.predicate(text)) {
        waiters.delete(w);
        w.resolve(text);
      }
    }
  };

  return {
    mocker,
    bot: policeBot.bot,
    policeBot,
    me,
    config,
    createResident(name) {
      const contact = mocker.createContact({ name });
      contact.on('message', (m: mock.MessageMock) => {
        if (m.payload.talkerId === me.id && !m.payload.roomId) record(contact.id, m.payload.text ?? '');
      });
      return contact;
    },
    createGroup(topic, members) {
      const room = mocker.createRoom({ topic, memberIdList: [...members.map((m) => m.id), me.id] });
      room.on('message', (m: mock.MessageMock) => {
        if (m.payload.talkerId === me.id) record(room.id, m.payload.text ?? '');
      });
      return room;
    },
    messagesTo(target) {
      return [...(sent.get(target.id) ?? [])];
    },
    waitForMessage(target, predicate, timeoutMs = 5000, after = 0) {
      const already = (sent.get(target.id) ?? []).slice(after).find(predicate);
      if (already !== undefined) return Promise.resolve(already);
      return new Promise<string>((resolve, reject) => {
        const waiter = { id: target.id, after, predicate, resolve: (t: string) => (clearTimeout(timer), resolve(t)) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching message to ${target.id} within ${timeoutMs} ms; got: ${JSON.stringify(sent.get(target.id) ?? [])}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async stop() {
      await policeBot.stop();
    },
  };
}
