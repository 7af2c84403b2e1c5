import type Koa from 'koa';
import request from 'supertest';
import { emitItemResolved } from '../../src/modules/inbox/inbox.events';
import { emitAppointmentCompleted } from '../../src/modules/appointments/appointment.events';
import { ItemModel, type Item } from '../../src/modules/items/item.model';
import { createItem } from '../../src/modules/items/item.service';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { seedAll } from '../../src/modules/seed/seed.service';
import { RatingCommentModel, RatingModel, SurveyModel } from '../../src/modules/surveys/survey.model';
import { handleSurveyAnswer as handleAnswer, registerSurveyHooks, requestSurvey as requestSurveyWith, surveySettings, type RequestSurveyProps, type SurveySettings } from '../../src/modules/surveys';
import { generateTipSecret, hashTipSecret } from '../../src/modules/tips/tip.secret';
import type { InboundMessage } from '../../src/modules/conversations';
import { buildTestApp } from '../helpers/app';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

const HOUR = 3_600_000;
const T0 = new Date('2024-06-03T02:00:00Z');
let db: TestDatabase;
let app: Koa;
let unregister: () => void;
let settings: SurveySettings;
// The survey settings come from the test app's config, as in every process.
const requestSurvey = (props: Omit<RequestSurveyProps, 'settings'>) => requestSurveyWith({ ...props, settings });
const handleSurveyAnswer = (msg: InboundMessage) => handleAnswer(msg, settings);

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  const built = buildTestApp();
  app = built.app as unknown as Koa;
  unregister = registerSurveyHooks({ config: built.config });
  settings = surveySettings(built.config);
});

afterAll(async () => {
  unregister();
  await db.stop();
});

async function resolvedItem(conversationId: string, props: { kind?: 'question' | 'tip'; anonymous?: boolean; secretHash?: string; isGroup?: boolean } = {}): Promise<Item> {
  const item = await createItem({
    room: 'HPL',
    kind: props.kind ?? 'question',
    text: '材料交了很久没消息',
    origin: props.anonymous ? null : { channel: 'web', conversationId, senderId: props.isGroup ? undefined : conversationId, isGroup: props.isGroup ?? false },
    anonymous: props.anonymous,
    secretHash: props.secretHash,
    now: new Date(T0.getTime() - 5 * HOUR),
  });
  await ItemModel.updateOne({ _id: item._id }, { $set: { status: 'resolved', resolvedAt: T0, firstResponseAt: T0 } });
  return { ...item, status: 'resolved', resolvedAt: T0 } as Item;
}

const say = (conversationId: string, text: string, at: Date): InboundMessage => ({
  channel: 'web',
  conversationId,
  senderId: conversationId,
  text,
  isGroup: false,
  mentioned: false,
  room: 'HPL',
  receivedAt: at,
});

describe('satisfaction surveys', () => {
  it('asks once per resolved item, through the outbox, with 满意 / 基本满意 / 不满意', async () => {
    const item = await resolvedItem('conv-a');
    await emitItemResolved(item);
    await emitItemResolved(item); // a second report of the same resolve changes nothing
    const survey = await SurveyModel.findById(`item:${item._id}`).lean();
    expect(survey).toMatchObject({ room: 'HPL', subjectCode: item.code, to: { channel: 'web', conversationId: 'conv-a' } });
    const messages = await OutboxModel.find({ key: `survey:item:${item._id}` }).lean();
    expect(messages).toHaveLength(1);
    expect(messages[0].purpose).toBe('survey');
    expect(messages[0].options.map((o) => [o.label, o.value])).toEqual([
      ['满意', '1'],
      ['基本满意', '2'],
      ['不满意', '3'],
    ]);
    expect(messages[0].text).toContain(item.code);
  });

  it('asks once when four instances report the same resolve at the same moment: one asks, three find it asked', async () => {
    // Counted by what each call did, not by rows: the survey and its outbox message sit on unique
    // keys, so four calls that all asked would leave the same rows.
    const item = await resolvedItem('conv-four');
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        requestSurvey({ subject: { type: 'item', id: String(item._id) }, room: 'HPL', to: { channel: 'web', conversationId: 'conv-four', isGroup: false }, subjectCode: item.code }),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results.filter((r) => r.token !== null)).toHaveLength(1);
    expect(await OutboxModel.countDocuments({ key: `survey:item:${item._id}` })).toBe(1);
  });

  it('records one rating per subject, asks for a comment, and does not count a second answer', async () => {
    const item = await resolvedItem('conv-b');
    const { token } = await requestSurvey({ subject: { type: 'item', id: String(item._id) }, room: 'HPL', to: { channel: 'web', conversationId: 'conv-b', isGroup: false }, subjectCode: item.code, now: T0 });
    expect(await handleSurveyAnswer(say('conv-b', '你好', new Date(T0.getTime() + HOUR)))).toBeNull(); // not an answer: the core handles it
    const first = await handleSurveyAnswer(say('conv-b', '满意', new Date(T0.getTime() + HOUR)));
    expect(first?.[0].text).toContain('感谢您的评价（满意）');
    expect(first?.[0].options?.[0].value).toBe('不用了');
    const done = await handleSurveyAnswer(say('conv-b', '不用了', new Date(T0.getTime() + HOUR + 60_000)));
    expect(done?.[0].text).toContain('感谢');
    expect(await handleSurveyAnswer(say('conv-b', '3', new Date(T0.getTime() + 2 * HOUR)))).toBeNull(); // nothing pending any more
    // The web token for the same subject: a second answer is not counted.
    const res = await request(app.callback()).post(`/api/surveys/${token}`).send({ rating: 3 });
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ counted: false, reason: 'duplicate', rating: 'satisfied' });
    expect(await RatingModel.countDocuments({ _id: `item:${item._id}` })).toBe(1);
    expect((await request(app.callback()).post('/api/surveys/bm9wZQ.aaaaaaaaaaaaaaaaaaaaaaaa').send({ rating: 1 })).status).toBe(404);
  });

  it('counts a late answer inside the window and refuses one outside it', async () => {
    const inside = await resolvedItem('conv-c');
    await requestSurvey({ subject: { type: 'item', id: String(inside._id) }, room: 'HPL', to: { channel: 'web', conversationId: 'conv-c', isGroup: false }, now: T0 });
    // The resident talks about something else first (a bare digit may then belong to another menu) …
    expect(await handleSurveyAnswer(say('conv-c', '身份证怎么补办', new Date(T0.getTime() + 2 * HOUR)))).toBeNull();
    expect(await handleSurveyAnswer(say('conv-c', '2', new Date(T0.getTime() + 3 * HOUR)))).toBeNull();
    // … and answers in words, late but inside the window: it counts.
    const late = await handleSurveyAnswer(say('conv-c', '基本满意', new Date(T0.getTime() + 71 * HOUR)));
    expect(late?.[0].text).toContain('基本满意');
    expect(await RatingModel.findById(`item:${inside._id}`).lean()).toMatchObject({ rating: 'basic' });

    const outside = await resolvedItem('conv-d');
    await requestSurvey({ subject: { type: 'item', id: String(outside._id) }, room: 'HPL', to: { channel: 'web', conversationId: 'conv-d', isGroup: false }, now: T0 });
    const tooLate = await handleSurveyAnswer(say('conv-d', '1', new Date(T0.getTime() + 73 * HOUR)));
    expect(tooLate?.[0].text).toContain('超过有效期');
    expect(await RatingModel.findById(`item:${outside._id}`).lean()).toBeNull();
  });

  it('opens a follow-up item for the supervisor on 不满意 with a comment', async () => {
    const item = await resolvedItem('conv-e');
    await requestSurvey({ subject: { type: 'item', id: String(item._id) }, room: 'HPL', to: { channel: 'web', conversationId: 'conv-e', isGroup: false }, subjectCode: item.code, now: T0 });
    const ask = await handleSurveyAnswer(say('conv-e', '3', new Date(T0.getTime() + HOUR)));
    expect(ask?.[0].text).toContain('很抱歉');
    const reply = await handleSurveyAnswer(say('conv-e', '等了半个月没人回电话，手机13812345678', new Date(T0.getTime() + HOUR + 60_000)));
    expect(reply?.[0].text).toContain('回访');
    const followup = await ItemModel.findOne({ kind: 'followup', parentItem: item._id }).lean();
    expect(followup).toMatchObject({ room: 'HPL', status: 'new', labels: ['满意度回访'] });
    expect(followup!.summary).toContain(item.code);
    expect(followup!.summary).not.toContain('13812345678'); // masked
    const comment = await RatingCommentModel.findById(`item:${item._id}`).lean();
    expect(comment).toMatchObject({ rating: 'unsatisfied', followupItem: String(followup!._id) });
  });

  it('does not ask in a group without knowing whom to address; appointments are asked where they were booked', async () => {
    const item = await resolvedItem('group-1', { isGroup: true });
    await emitItemResolved(item);
    expect(await SurveyModel.findById(`item:${item._id}`).lean()).toBeNull();

    await emitAppointmentCompleted({
      id: '665d0c7b2f1e4a0012345678',
      code: 'Y2345678',
      room: 'HPL',
      service: 'id_card_renewal',
      serviceName: '身份证换领',
      start: T0,
      completedAt: T0,
      walkIn: false,
      origin: { channel: 'wechat', conversationId: 'wx-contact-1', isGroup: false },
    });
    const msg = await OutboxModel.findOne({ key: 'survey:appointment:665d0c7b2f1e4a0012345678' }).lean();
    expect(msg?.text).toContain('身份证换领');
    expect(msg?.channel).toBe('wechat');
  });

  it('rates an anonymous tip through its code and secret, never linked to a person', async () => {
    const secret = generateTipSecret();
    const tip = await resolvedItem('unused', { kind: 'tip', anonymous: true, secretHash: await hashTipSecret(secret) });
    await emitItemResolved(tip);
    const survey = await SurveyModel.findById(`item:${tip._id}`).lean();
    expect(survey).toMatchObject({ to: null, anonymous: true, subjectCode: tip.code });
    expect(await OutboxModel.countDocuments({ key: `survey:item:${tip._id}` })).toBe(0);

    const wrong = await request(app.callback()).post(`/api/tips/${tip.code}/rating`).set('X-Tip-Secret', generateTipSecret()).send({ rating: 'satisfied' });
    expect(wrong.status).toBe(404);
    const ok = await request(app.callback())
      .post(`/api/tips/${tip.code}/rating`)
      .set('X-Tip-Secret', secret)
      .send({ rating: 'unsatisfied', comment: '处理太慢' });
    expect(ok.status).toBe(200);
    expect(ok.body.result).toMatchObject({ counted: true, rating: 'unsatisfied', commentStored: true, followupOpened: true });
    const again = await request(app.callback()).post(`/api/tips/${tip.code}/rating`).set('X-Tip-Secret', secret).send({ rating: 'satisfied' });
    expect(again.body.result.counted).toBe(false);
    const rating = await RatingModel.findById(`item:${tip._id}`).lean();
    expect(rating).toMatchObject({ via: 'tip', rating: 'unsatisfied' });
    const followup = await ItemModel.findOne({ kind: 'followup', parentItem: tip._id }).lean();
    expect(followup).toMatchObject({ anonymous: true, origin: null });

    const open = await createItem({ room: 'HPL', kind: 'tip', text: '有人聚众赌博', anonymous: true, secretHash: await hashTipSecret(secret) });
    const early = await request(app.callback()).post(`/api/tips/${open.code}/rating`).set('X-Tip-Secret', secret).send({ rating: 1 });
    expect(early.status).toBe(409);
  });

  it('answers through the web token with an optional comment', async () => {
    const item = await resolvedItem('conv-f');
    const { token } = await requestSurvey({ subject: { type: 'item', id: String(item._id) }, room: 'HPL', to: { channel: 'web', conversationId: 'conv-f', isGroup: false }, now: new Date() });
    const info = await request(app.callback()).get(`/api/surveys/${token}`);
    expect(info.status).toBe(200);
    expect(info.body.survey).toMatchObject({ open: true, answered: null });
    const res = await request(app.callback()).post(`/api/surveys/${token}`).send({ rating: 2, comment: '总体还行' });
    expect(res.body.result).toMatchObject({ counted: true, rating: 'basic', commentStored: true, followupOpened: false });
    expect(await handleSurveyAnswer(say('conv-f', '1', new Date()))).toBeNull(); // the chat is no longer asked
    expect((await request(app.callback()).post(`/api/surveys/${token}`).send({ rating: 9 })).status).toBe(400);
  });
});
