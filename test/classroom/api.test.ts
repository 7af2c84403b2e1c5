import type Koa from 'koa';
import request from 'supertest';
import { createApp } from '../../src/http/app';
import { clearReportMemo } from '../../src/http/routes/reports';
import { AuditModel } from '../../src/modules/audit/audit.model';
import { ClassroomFirstAnswerModel, ClassroomQuestionModel } from '../../src/modules/classroom/classroom.model';
import { FaqModel } from '../../src/modules/faq/faq.model';
import { seedAll } from '../../src/modules/seed/seed.service';
import { testConfig, testLogger } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * 网上课堂 on a real FerretDB: officers ask, supervisors and admins answer, the month counts the
 * questions answered (by the first answer's fact, in Beijing months), search uses the bot's
 * segmentation, and an answer reaches the residents' FAQ only after another admin approves it.
 */
let db: TestDatabase;
let app: Koa;
const clock = { now: new Date('2026-10-20T02:00:00Z') };
type Session = Awaited<ReturnType<typeof login>> & { id: string };
let zhang: Session; // officer, HPL
let wang: Session; // officer, LSC
let chief: Session; // supervisor
let deputy: Session; // supervisor
let admin: Session;
let admin2: Session;
let volunteer: Session;

async function signIn(props: Parameters<typeof createOfficer>[0]): Promise<Session> {
  const created = await createOfficer(props);
  return { ...(await login(app as never, props.username)), id: created.id };
}

const post = (s: Session, url: string, body: unknown) => s.agent.post(url).set('X-CSRF-Token', s.csrf).send(body as object);

async function ask(s: Session, body: Record<string, unknown>): Promise<string> {
  const res = await post(s, '/api/classroom/questions', body);
  if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
  return res.body.question.id as string;
}

async function answer(s: Session, id: string, body: string) {
  const res = await post(s, `/api/classroom/questions/${id}/answers`, { body });
  if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { answer: { id: string }; first: boolean };
}

type Figures = { asked: number; answered: number; medianMinutesToFirstAnswer: number | null };
interface Report {
  rooms: Array<{ code: string; classroom: Figures }>;
  officers: Array<{ id: string; classroom: Figures }>;
  classroom: { totals: Figures & { answers: number }; answerers: Array<{ id: string; name: string; role: string; answers: number; firstAnswers: number }> };
}

async function report(s: Session, month: string, query = ''): Promise<Report> {
  clearReportMemo();
  const res = await s.agent.get(`/api/reports/monthly?month=${month}${query}`);
  expect(res.status).toBe(200);
  return res.body as Report;
}

let idCard: string; // zhang's question, answered by the supervisor
let permit: string; // wang's question, never answered

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  app = createApp({ config: testConfig(), logger: testLogger(), now: () => clock.now }) as unknown as Koa;
  zhang = await signIn({ username: 'kt_zhang', name: '张伟伟', rooms: ['HPL'], district: 'XH' });
  wang = await signIn({ username: 'kt_wang', name: '王强强', rooms: ['LSC'], district: 'XH' });
  chief = await signIn({ username: 'kt_chief', name: '陈杰杰', role: 'supervisor', district: 'XH' });
  deputy = await signIn({ username: 'kt_deputy', name: '周平平', role: 'supervisor', district: 'XH' });
  admin = await signIn({ username: 'kt_admin', name: '赵敏敏', role: 'admin' });
  admin2 = await signIn({ username: 'kt_admin2', name: '钱宁宁', role: 'admin' });
  volunteer = await signIn({ username: 'kt_volunteer', name: '孙志愿', role: 'volunteer', rooms: ['HPL'] });

  idCard = await ask(zhang, { category: 'id_card', title: '身份证丢了怎么补办', body: '群众身份证丢了，急着坐火车，除了补领还能办什么？' });
  permit = await ask(wang, { category: 'residence', title: '居住证签注需要房东到场吗', body: '租客来签注居住证，房东在外地，租赁合同可以吗？' });
}, 120_000);

afterAll(async () => {
  await db.stop();
});

describe('asking and answering', () => {
  it("counts an officer's question answered by a supervisor in the month, and credits the supervisor", async () => {
    clock.now = new Date('2026-10-20T04:00:00Z'); // two hours after the question
    const first = await answer(chief, idCard, '可当场申请补领，同时办临时身份证，约3日内可取；急用可开具乘坐火车的临时身份证明。');
    expect(first.first).toBe(true);
    clock.now = new Date('2026-10-21T04:00:00Z');
    const second = await answer(admin, idCard, '补充：临时身份证工本费10元，需近期一寸免冠照片。');
    expect(second.first).toBe(false);

    clock.now = new Date('2026-11-02T02:00:00Z');
    const october = await report(chief, '2026-10');
    const officer = october.officers.find((o) => o.id === zhang.id)!;
    expect(officer.classroom).toEqual({ asked: 1, answered: 1, medianMinutesToFirstAnswer: 120 });
    expect(october.rooms.find((r) => r.code === 'HPL')!.classroom).toEqual({ asked: 1, answered: 1, medianMinutesToFirstAnswer: 120 });
    expect(october.rooms.find((r) => r.code === 'LSC')!.classroom).toEqual({ asked: 1, answered: 0, medianMinutesToFirstAnswer: null });
    expect(october.classroom.totals).toMatchObject({ asked: 2, answered: 1, answers: 2 });
    expect(october.classroom.answerers).toEqual([
      { id: chief.id, name: '陈杰杰', role: 'supervisor', answers: 1, firstAnswers: 1 },
      { id: admin.id, name: '赵敏敏', role: 'admin', answers: 1, firstAnswers: 0 },
    ]);
    // The officer's own report says the same about their question.
    const own = await report(zhang, '2026-10', `&officer=${zhang.id}`);
    expect(own.classroom.totals).toMatchObject({ asked: 1, answered: 1, answers: 2 });
    // The CSV carries it too.
    clearReportMemo();
    const csv = await chief.agent.get('/api/reports/monthly.csv?month=2026-10&table=officers');
    const header = csv.text.replace(/^\uFEFF/, '').split('\r\n')[0].split(',');
    const row = csv.text.split('\r\n').find((l) => l.includes('张伟伟'))!.split(',');
    expect(row[header.indexOf('网上课堂提问')]).toBe('1');
    expect(row[header.indexOf('网上课堂已解答')]).toBe('1');
  });

  it('counts a question in the Beijing month of its first answer, not the month it was asked', async () => {
    clock.now = new Date('2026-10-31T15:00:00Z'); // 31 October 23:00 in Beijing
    const late = await ask(zhang, { category: 'system', title: '系统里预约怎么改期', body: '群众要把下周的预约改到周五，系统在哪里操作？' });
    clock.now = new Date('2026-10-31T16:30:00Z'); // 1 November 00:30 in Beijing
    expect((await answer(deputy, late, '在民警日程页点开该预约，选择改期即可，会自动短信通知群众。')).first).toBe(true);
    clock.now = new Date('2026-11-02T02:00:00Z');
    const october = await report(chief, '2026-10');
    expect(october.officers.find((o) => o.id === zhang.id)!.classroom).toMatchObject({ asked: 2, answered: 1 });
    const november = await report(chief, '2026-11');
    expect(november.officers.find((o) => o.id === zhang.id)!.classroom).toEqual({ asked: 0, answered: 1, medianMinutesToFirstAnswer: 90 });
    expect(november.classroom.answerers).toEqual([{ id: deputy.id, name: '周平平', role: 'supervisor', answers: 1, firstAnswers: 1 }]);
  });

  it('counts two simultaneous first answers once', async () => {
    clock.now = new Date('2026-11-03T02:00:00Z');
    const q = await ask(wang, { category: 'mediation', title: '邻里漏水纠纷怎么调解', body: '楼上漏水，双方都不肯出维修费，调解时有什么依据？' });
    const results = await Promise.all([
      answer(chief, q, '先请物业查明漏水原因，再依《民法典》相邻关系条款调解。'),
      answer(deputy, q, '建议联合人民调解员，现场查看后制作调解协议。'),
      answer(admin, q, '可参考区里的调解协议范本。'),
      answer(chief, q, '补充：拍照留存现场。'),
    ]);
    expect(results.filter((r) => r.first)).toHaveLength(1);
    expect(await ClassroomFirstAnswerModel.countDocuments({ _id: q })).toBe(1);
    const november = await report(admin, '2026-11');
    expect(november.rooms.find((r) => r.code === 'LSC')!.classroom).toMatchObject({ asked: 1, answered: 1 });
    expect(november.classroom.answerers.reduce((s, a) => s + a.firstAnswers, 0)).toBe(2); // this one and the late one
    expect(november.classroom.totals.answers).toBe(5);
    const detail = await wang.agent.get(`/api/classroom/questions/${q}`).expect(200);
    expect(detail.body.question.answerList).toHaveLength(4);
    const winner = results.find((r) => r.first)!.answer.id;
    expect(detail.body.question.firstAnswer.by.id).toBe(detail.body.question.answerList.find((a: { id: string }) => a.id === winner).by.id);
  });

  it('lets an officer read answers but not answer', async () => {
    const res = await post(wang, `/api/classroom/questions/${idCard}/answers`, { body: '我来答一下' });
    expect(res.status).toBe(403);
    expect(res.body.error).toEqual(expect.objectContaining({ code: 'forbidden', message: expect.stringMatching(/^[\u4e00-\u9fa5]/) }));
    const detail = await wang.agent.get(`/api/classroom/questions/${idCard}`).expect(200);
    expect(detail.body.question.answerList.map((a: { by: { name: string } }) => a.by.name)).toEqual(['陈杰杰', '赵敏敏']);
  });

  it('is closed to residents (no session) and volunteers', async () => {
    const anonymous = await request(app.callback()).get('/api/classroom/questions');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthorized');
    expect((await request(app.callback()).get(`/api/classroom/questions/${idCard}`)).status).toBe(401);
    const asVolunteer = await volunteer.agent.get('/api/classroom/questions');
    expect(asVolunteer.status).toBe(403);
    expect(JSON.stringify(asVolunteer.body)).not.toContain('身份证');
    expect((await volunteer.agent.get(`/api/classroom/questions/${idCard}`)).status).toBe(403);
    expect((await post(volunteer, '/api/classroom/questions', { category: 'other', title: '志愿者能提问吗', body: '想问问' })).status).toBe(403);
  });

  it('refuses bad input with a Chinese message and the stable shape, and stores nothing', async () => {
    const before = await ClassroomQuestionModel.countDocuments({});
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ category: 'id_card', title: '问', body: '内容足够长了' }, /标题至少 4 个字/],
      [{ category: 'cooking', title: '正常的标题', body: '内容足够长了' }, /类别应为/],
      [{ category: 'id_card', title: { $gt: '' }, body: '内容足够长了' }, /标题/],
      [{ category: 'id_card', title: '正常的标题', body: 'x'.repeat(2001) }, /问题内容不能超过 2000 个字/],
      [{ category: 'id_card', title: '正常的标题', body: '内容足够长了', askedBy: 'someone' }, /askedBy/],
    ];
    for (const [body, message] of cases) {
      const res = await post(zhang, '/api/classroom/questions', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.message).toMatch(/^请求内容有误/);
      expect(res.body.error.message).toMatch(message);
    }
    expect((await post(zhang, '/api/classroom/questions', { category: 'id_card', title: '正常的标题', body: '内容足够长了', room: 'LSC' })).body.error.code).toBe('room_not_yours');
    expect((await post(chief, `/api/classroom/questions/${idCard}/answers`, { body: { $gt: '' } })).status).toBe(400);
    expect((await zhang.agent.get('/api/classroom/questions?status=%7B%22%24gt%22%3A%22%22%7D')).status).toBe(400);
    expect((await zhang.agent.get('/api/classroom/questions/not-an-id')).status).toBe(400);
    expect((await zhang.agent.get('/api/classroom/questions/0123456789abcdef01234567')).body.error.code).toBe('question_not_found');
    expect(await ClassroomQuestionModel.countDocuments({})).toBe(before);
  });

  it('masks phone and ID numbers in questions and answers', async () => {
    const id = await ask(zhang, { category: 'hukou', title: '户口迁入材料问题', body: '群众电话13812345678，身份证110101199003071234，想迁入户口' });
    await answer(chief, id, '请回电13912345678核实');
    const detail = await zhang.agent.get(`/api/classroom/questions/${id}`).expect(200);
    expect(detail.body.question.body).toBe('群众电话138****5678，身份证110101********1234，想迁入户口');
    expect(detail.body.question.answerList[0].body).toBe('请回电139****5678核实');
    expect(JSON.stringify(await ClassroomQuestionModel.findById(id).lean())).not.toContain('13812345678');
  });
});

describe('search', () => {
  it('finds questions by the words of the bot’s segmentation, and filters by category and answered', async () => {
    const list = async (query: string) => (await zhang.agent.get(`/api/classroom/questions?${query}`).expect(200)).body as { total: number; questions: Array<{ id: string; title: string }> };
    const found = await list(`q=${encodeURIComponent('补办身份证')}`);
    expect(found.questions[0].id).toBe(idCard);
    expect(found.questions.map((q) => q.id)).not.toContain(permit);
    expect((await list(`q=${encodeURIComponent('房东不在 居住证')}`)).questions.map((q) => q.id)).toEqual([permit]);
    expect((await list(`q=${encodeURIComponent('出国护照')}`)).total).toBe(0);
    expect((await list('category=residence')).questions.map((q) => q.id)).toEqual([permit]);
    const unanswered = await list('status=unanswered');
    expect(unanswered.questions.map((q) => q.id)).toEqual([permit]);
    expect((await list('status=answered')).questions.map((q) => q.id)).toContain(idCard);
    expect((await list(`q=${encodeURIComponent('补办身份证')}&status=unanswered`)).total).toBe(0);
  });
});

describe('into the residents’ FAQ', () => {
  const chat = async (text: string) => {
    const res = await request(app.callback()).post('/api/chat/messages').send({ room: 'HPL', text });
    expect(res.status).toBe(200);
    return (res.body.replies as Array<{ text: string }>).map((r) => r.text).join('\n');
  };

  it('becomes an FAQ entry the bot answers with only after another admin approves; a rejected one stays out', async () => {
    clock.now = new Date('2026-11-04T02:00:00Z');
    const glasses = await ask(zhang, { category: 'other', title: '群众问有没有老花镜借', body: '老人来填表常问警务室有没有老花镜可以借用，我们要不要备？' });
    const umbrella = await ask(zhang, { category: 'other', title: '群众问有没有雨伞借', body: '下雨天群众问警务室有没有雨伞可以借用，怎么答复？' });
    // Unanswered questions cannot be proposed.
    expect((await post(chief, `/api/classroom/questions/${glasses}/faq-proposals`, { faqQuestion: '警务室有老花镜可以借用吗？', faqAnswer: '有的，窗口可借。' })).body.error.code).toBe('question_unanswered');
    await answer(chief, glasses, '窗口备两副老花镜，登记后借用。');
    await answer(chief, umbrella, '雨伞借出难收回，目前不提供。');

    const glassesAnswer = '警务室窗口备有老花镜，群众填表时可以借用，用完放回窗口即可。';
    const proposed = await post(chief, `/api/classroom/questions/${glasses}/faq-proposals`, { faqQuestion: '警务室有老花镜可以借用吗？', faqAnswer: glassesAnswer });
    expect(proposed.status).toBe(201);
    const umbrellaProposal = await post(admin, `/api/classroom/questions/${umbrella}/faq-proposals`, { faqQuestion: '警务室有雨伞可以借用吗？', faqAnswer: '警务室备有爱心雨伞，登记后即可借用。' });
    expect(umbrellaProposal.status).toBe(201);

    // Officers cannot propose or review; supervisors cannot review; the proposer cannot approve their own.
    expect((await post(zhang, `/api/classroom/questions/${glasses}/faq-proposals`, { faqQuestion: '问题问题', faqAnswer: '答案答案' })).status).toBe(403);
    expect((await post(chief, `/api/classroom/faq-proposals/${proposed.body.proposal.id}/decision`, { decision: 'approve' })).status).toBe(403);
    const own = await post(admin, `/api/classroom/faq-proposals/${umbrellaProposal.body.proposal.id}/decision`, { decision: 'approve' });
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe('own_proposal');
    expect((await post(admin, `/api/classroom/faq-proposals/${proposed.body.proposal.id}/decision`, { decision: 'maybe' })).status).toBe(400);

    const pending = await admin.agent.get('/api/classroom/faq-proposals').expect(200);
    expect(pending.body.proposals.map((p: { id: string }) => p.id).sort()).toEqual([proposed.body.proposal.id, umbrellaProposal.body.proposal.id].sort());

    const approved = await post(admin, `/api/classroom/faq-proposals/${proposed.body.proposal.id}/decision`, { decision: 'approve' });
    expect(approved.status).toBe(200);
    expect(approved.body.proposal.status).toBe('approved');
    const rejected = await post(admin2, `/api/classroom/faq-proposals/${umbrellaProposal.body.proposal.id}/decision`, { decision: 'reject', reason: '警务室不提供雨伞借用' });
    expect(rejected.body.proposal.status).toBe('rejected');
    // Decided once.
    const again = await post(admin2, `/api/classroom/faq-proposals/${proposed.body.proposal.id}/decision`, { decision: 'reject' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('proposal_decided');
    expect((await admin.agent.get('/api/classroom/faq-proposals').expect(200)).body.proposals).toEqual([]);

    expect(await FaqModel.countDocuments({ faqId: approved.body.proposal.decision.faqId })).toBe(1);
    expect(await FaqModel.countDocuments({ answer: /雨伞/ })).toBe(0);
    // The bot answers residents with the approved entry; the rejected text never reaches them.
    expect(await chat('有没有老花镜可以借用')).toContain(glassesAnswer);
    expect(await chat('有没有雨伞可以借用')).not.toContain('爱心雨伞');

    const actions = (await AuditModel.find({ action: /^classroom\.faq_/ }).lean()).map((a) => `${a.action}:${a.officerUsername}`).sort();
    expect(actions).toEqual(['classroom.faq_approve:kt_admin', 'classroom.faq_propose:kt_admin', 'classroom.faq_propose:kt_chief', 'classroom.faq_reject:kt_admin2']);
  });
});
