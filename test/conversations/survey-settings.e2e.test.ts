import { ItemModel } from '../../src/modules/items/item.model';
import { seedAll } from '../../src/modules/seed/seed.service';
import { requestSurvey, surveySettings } from '../../src/modules/surveys';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { startMockWechat, type MockWechat } from '../helpers/mock-wechat';

/**
 * The bot process reads SURVEY_WINDOW_HOURS and SLA_MINUTES from its own config (nothing is set
 * for it by the web process): late answers quote its window, and an unhappy comment given in
 * WeChat opens a follow-up item due by its SLA.
 */
const HOUR = 3_600_000;
let db: TestDatabase;
let wx: MockWechat;

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  wx = await startMockWechat({ env: { SURVEY_WINDOW_HOURS: '2', SLA_MINUTES: 'followup=45' } });
});
afterAll(async () => {
  await wx?.stop();
  await db.stop();
});

/** A survey of a resolved question, asked in the resident's private chat with the bot `hoursAgo` hours ago (as the web process asks it). */
async function surveyAskedOf(residentId: string, subjectId: string, hoursAgo: number) {
  await requestSurvey({
    subject: { type: 'item', id: subjectId },
    room: 'HPL',
    to: { channel: 'wechat', conversationId: residentId, isGroup: false },
    subjectCode: 'Q123456',
    now: new Date(Date.now() - hoursAgo * HOUR),
    settings: surveySettings(wx.config),
  });
}

describe('survey settings in the WeChat bot process', () => {
  it('refuses an answer after the SURVEY_WINDOW_HOURS window and says how long the window is', async () => {
    const resident = wx.createResident('赵大爷');
    await surveyAskedOf(resident.id, 'aaaaaaaaaaaaaaaaaaaaaaa1', 3);
    resident.say('1').to(wx.me);
    const reply = await wx.waitForMessage(resident, (t) => t.includes('有效期'), 10_000);
    expect(reply).toContain('超过有效期（2小时）');
  });

  it('counts an answer inside the window, and an unhappy comment opens a follow-up due by SLA_MINUTES', async () => {
    const resident = wx.createResident('钱阿姨');
    await surveyAskedOf(resident.id, 'aaaaaaaaaaaaaaaaaaaaaaa2', 1);
    resident.say('3').to(wx.me);
    await wx.waitForMessage(resident, (t) => t.includes('很抱歉这次没能让您满意'), 10_000);
    const before = Date.now();
    resident.say('排了两个小时队也没办成').to(wx.me);
    await wx.waitForMessage(resident, (t) => t.includes('回访跟进'), 10_000);
    const followup = await ItemModel.findOne({ kind: 'followup', text: /排了两个小时队/ }).lean();
    expect(followup).not.toBeNull();
    const minutes = (followup!.dueAt.getTime() - followup!.createdAt.getTime()) / 60_000;
    expect(Math.round(minutes)).toBe(45);
    expect(followup!.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });
});
