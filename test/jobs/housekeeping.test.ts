import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { testConfig, testLogger } from '../helpers/app';
import { createScheduler } from '../../src/jobs';
import { housekeepingJob } from '../../src/jobs/housekeeping.job';
import { ConversationStateModel } from '../../src/modules/conversations/conversation-state.model';
import { LoginFailureModel, SessionModel } from '../../src/modules/auth/session.model';
import { RateSeatModel } from '../../src/modules/rate-limits/rate-limit';
import { Types } from 'mongoose';
import { WecomKfParkedVoiceModel } from '../../src/channels/wecom-kf/kf.models';
import { FakeClock, sh } from './helpers';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db.stop());

const DAY = 86_400_000;

async function conversation(key: string, lastActivityAt: Date) {
  const [channel, conversationId, senderId] = key.split(':');
  await ConversationStateModel.create({ _id: key, key, channel: channel as 'web' | 'wechat', conversationId, senderId, lastActivityAt });
}

describe('nightly housekeeping job', () => {
  it('at 03:40 Shanghai deletes idle conversation memory, ended rate-limit windows, expired sessions, old failed logins and voice recordings parked over 3 days — and nothing current', async () => {
    const night = sh('2026-11-30T03:40');
    await conversation('web:idle:resident', new Date(night.getTime() - 31 * DAY));
    await conversation('web:recent:resident', new Date(night.getTime() - 2 * DAY));
    await RateSeatModel.create({ _id: 'chat-ip:1.2.3.4|1|1', expiresAt: new Date(night.getTime() - 60_000) });
    await RateSeatModel.create({ _id: 'chat-ip:1.2.3.4|2|1', expiresAt: new Date(night.getTime() + 60_000) });
    const officer = new Types.ObjectId();
    await SessionModel.create({ tokenHash: 'expired', officer, csrfToken: 'c', expiresAt: new Date(night.getTime() - 1000), lastSeenAt: night });
    await SessionModel.create({ tokenHash: 'valid', officer, csrfToken: 'c', expiresAt: new Date(night.getTime() + 3600_000), lastSeenAt: night });
    await LoginFailureModel.create({ username: 'someone', at: new Date(night.getTime() - 8 * DAY) });
    await LoginFailureModel.create({ username: 'someone', at: new Date(night.getTime() - 1 * DAY) });
    const parked = (msgid: string, daysAgo: number) =>
      WecomKfParkedVoiceModel.create({ _id: msgid, conversation: 'kf:wk1:wm_resident', externalUserId: 'wm_resident', data: Buffer.from('#!AMR'), at: new Date(night.getTime() - daysAgo * DAY) });
    await parked('msg-old', 3.1);
    await parked('msg-new', 2.9);

    const clock = new FakeClock(new Date(night.getTime() - 60_000));
    const scheduler = createScheduler({ jobs: [housekeepingJob()], config: testConfig(), logger: testLogger(), now: clock.now, instanceId: 'hk' });
    expect((await scheduler.tick()).ran).toEqual([]); // 03:39: not yet
    clock.set(new Date(night.getTime() + 30_000));
    expect((await scheduler.tick()).ran).toHaveLength(1);

    expect((await ConversationStateModel.find().lean()).map((c) => c._id)).toEqual(['web:recent:resident']);
    expect((await RateSeatModel.find().lean()).map((s) => s._id)).toEqual(['chat-ip:1.2.3.4|2|1']);
    expect((await SessionModel.find().lean()).map((s) => s.tokenHash)).toEqual(['valid']);
    expect(await LoginFailureModel.countDocuments()).toBe(1);
    expect((await WecomKfParkedVoiceModel.find().lean()).map((v) => v._id)).toEqual(['msg-new']);
  });
});
