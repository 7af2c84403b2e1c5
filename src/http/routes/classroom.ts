import Router from '@koa/router';
import { z } from 'zod';
import { badRequest } from '../../lib/errors';
import type { AppDeps, AppState } from '../types';
import { parseInput, roomCodeSchema } from '../validate';
import { assertRole, currentOfficer, requireOfficer } from '../middleware/auth';
import { accessibleRoomCodes, type SessionOfficer } from '../../modules/auth';
import { recordAudit } from '../../modules/audit';
import { roomsByCodes } from '../../modules/rooms';
import {
  answerCounts,
  answerQuestion,
  answersOf,
  askQuestion,
  CLASSROOM_CATEGORIES,
  CLASSROOM_CATEGORY_LABELS,
  CLASSROOM_PAGE_SIZE,
  decideProposal,
  listProposals,
  listQuestions,
  loadProposal,
  loadQuestion,
  presentAnswer,
  presentProposal,
  presentQuestion,
  presentQuestionSummary,
  proposalsOfQuestion,
  proposeForFaq,
  type ClassroomActor,
} from '../../modules/classroom';

const STAFF = ['officer', 'supervisor', 'admin'] as const;
const ANSWERERS = ['supervisor', 'admin'] as const;
const OBJECT_ID = /^[a-f0-9]{24}$/;

export const ClassroomCategorySchema = z.enum(CLASSROOM_CATEGORIES, {
  message: `类别应为：${CLASSROOM_CATEGORIES.map((c) => `${c}（${CLASSROOM_CATEGORY_LABELS[c]}）`).join('、')}`,
});

/** Text an officer types, with Chinese messages on every limit. */
const text = (label: string, min: number, max: number) =>
  z
    .string({ message: `请填写${label}` })
    .transform((s) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim())
    .pipe(z.string().min(min, `${label}至少 ${min} 个字`).max(max, `${label}不能超过 ${max} 个字`));

export const ClassroomAskSchema = z.strictObject({
  category: ClassroomCategorySchema.meta({ description: '类别：hukou 户籍业务、id_card 身份证、residence 居住证与流动人口、entry_exit 出入境、certificates 证明开具、mediation 矛盾纠纷调解、security 治安与防范、community 社区走访、system 系统使用、other 其他' }),
  title: text('标题', 4, 80).meta({ description: '标题（4–80字）' }),
  body: text('问题内容', 4, 2000).meta({ description: '问题内容（4–2000字）；手机号、身份证号保存时自动打码' }),
  room: roomCodeSchema.optional().meta({ description: '提问民警的警务室；只负责一个警务室的民警可不填；督导/管理员可不填' }),
});

export const ClassroomListQuerySchema = z.object({
  q: z.string().trim().max(100, '搜索词不能超过 100 个字').optional().meta({ description: '搜索词：按与机器人相同的中文分词匹配标题和内容' }),
  category: ClassroomCategorySchema.optional(),
  status: z.enum(['answered', 'unanswered'], { message: '状态应为 answered（已解答）或 unanswered（待解答）' }).optional(),
  mine: z.enum(['1']).optional().meta({ description: '1：只看本人提的问题' }),
  page: z.coerce.number({ message: '页码应为数字' }).int('页码应为整数').min(1, '页码从 1 开始').max(1000, '页码过大').default(1),
});

export const ClassroomIdParamsSchema = z.object({ id: z.string().regex(OBJECT_ID, '编号格式不正确') });

export const ClassroomAnswerSchema = z.strictObject({
  body: text('解答内容', 2, 3000).meta({ description: '解答（2–3000字）；手机号、身份证号保存时自动打码' }),
});

export const ClassroomProposeSchema = z.strictObject({
  faqQuestion: text('群众问答的问题', 4, 300).meta({ description: '给群众看的问题（4–300字）' }),
  faqAnswer: text('群众问答的答案', 4, 4000).meta({ description: '给群众看的答案（4–4000字）' }),
});

export const ClassroomProposalsQuerySchema = z.object({
  status: z.enum(['pending', 'decided'], { message: '状态应为 pending（待审核）或 decided（已审核）' }).default('pending'),
});

export const ClassroomDecisionSchema = z.strictObject({
  decision: z.enum(['approve', 'reject'], { message: '审核结果应为 approve（通过）或 reject（不通过）' }),
  reason: z.union([text('审核意见', 1, 300), z.literal('')]).optional().meta({ description: '审核意见（不通过时说明原因）' }),
});

const actorOf = (o: SessionOfficer): ClassroomActor => ({ id: o.id, name: o.name, role: o.role as ClassroomActor['role'] });
const auditActor = (o: SessionOfficer) => ({ kind: 'officer' as const, id: o.id, name: o.name, username: o.username });

/** /api/classroom — 网上课堂: officers ask, supervisors and admins answer, answers may go to the residents' FAQ after an admin's review. Staff only. */
export function classroomRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/classroom' });
  const clock = deps.now ?? (() => new Date());
  router.use(requireOfficer([...STAFF]));

  /** The asker's room: the one given (one of theirs), else their only room; supervisors and admins may ask for none. */
  async function askerRoom(officer: SessionOfficer, given: string | undefined): Promise<string | null> {
    if (given) {
      const mine = await accessibleRoomCodes(officer);
      if (mine !== 'all' && !mine.includes(given)) throw badRequest('只能以本人负责的警务室提问（room is not one of yours）', undefined, 'room_not_yours');
      return given;
    }
    if (officer.role !== 'officer') return null;
    if (officer.rooms.length === 1) return officer.rooms[0];
    throw badRequest('请选择警务室（room is required when you serve several rooms）', undefined, 'room_required');
  }

  router.get('/options', async (ctx) => {
    const officer = currentOfficer(ctx.state);
    const rooms = officer.role === 'officer' ? await roomsByCodes(await accessibleRoomCodes(officer), { activeOnly: true, fields: ['code', 'name'] }) : [];
    ctx.body = {
      me: { id: officer.id, name: officer.name, role: officer.role },
      categories: CLASSROOM_CATEGORIES.map((c) => ({ key: c, label: CLASSROOM_CATEGORY_LABELS[c] })),
      rooms: rooms.map((r) => ({ code: r.code, name: r.name })).sort((a, b) => a.code.localeCompare(b.code)),
      canAnswer: officer.role !== 'officer',
      canPropose: officer.role !== 'officer',
      canReview: officer.role === 'admin',
      pageSize: CLASSROOM_PAGE_SIZE,
    };
  });

  router.get('/questions', async (ctx) => {
    const query = parseInput(ClassroomListQuerySchema, ctx.query);
    const officer = currentOfficer(ctx.state);
    const page = await listQuestions({ q: query.q || undefined, category: query.category, status: query.status, askedBy: query.mine ? officer.id : undefined, page: query.page });
    const counts = await answerCounts(page.questions.map((q) => q._id));
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = { total: page.total, page: page.page, pageSize: page.pageSize, questions: page.questions.map((q) => presentQuestionSummary(q, counts.get(String(q._id)) ?? 0)) };
  });

  router.post('/questions', async (ctx) => {
    const input = parseInput(ClassroomAskSchema, ctx.request.body);
    const officer = currentOfficer(ctx.state);
    const room = await askerRoom(officer, input.room);
    const now = clock();
    const question = await askQuestion({ asker: actorOf(officer), room, input, now });
    await recordAudit({ actor: auditActor(officer), action: 'classroom.ask', room, at: now, detail: `${CLASSROOM_CATEGORY_LABELS[question.category]}：${question.title}` });
    ctx.status = 201;
    ctx.body = { question: presentQuestion(question, [], []) };
  });

  router.get('/questions/:id', async (ctx) => {
    const { id } = parseInput(ClassroomIdParamsSchema, ctx.params);
    const question = await loadQuestion(id);
    const [answers, proposals] = await Promise.all([answersOf(question._id), proposalsOfQuestion(question._id)]);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = { question: presentQuestion(question, answers, proposals) };
  });

  router.post('/questions/:id/answers', async (ctx) => {
    const officer = assertRole(ctx, [...ANSWERERS]);
    const { id } = parseInput(ClassroomIdParamsSchema, ctx.params);
    const input = parseInput(ClassroomAnswerSchema, ctx.request.body);
    const question = await loadQuestion(id);
    const now = clock();
    const { answer, first } = await answerQuestion({ question, by: { ...actorOf(officer), role: officer.role as 'supervisor' | 'admin' }, body: input.body, now });
    await recordAudit({ actor: auditActor(officer), action: 'classroom.answer', room: question.room ?? null, at: now, detail: `${first ? '首次解答' : '补充解答'}：${question.title}` });
    ctx.status = 201;
    ctx.body = { answer: presentAnswer(answer), first };
  });

  router.post('/questions/:id/faq-proposals', async (ctx) => {
    const officer = assertRole(ctx, [...ANSWERERS]);
    const { id } = parseInput(ClassroomIdParamsSchema, ctx.params);
    const input = parseInput(ClassroomProposeSchema, ctx.request.body);
    const question = await loadQuestion(id);
    if (!question.firstAnswer) throw badRequest('问题尚未解答，解答后才能提议加入群众问答（Answer the question first）', undefined, 'question_unanswered');
    const now = clock();
    const proposal = await proposeForFaq({ question, by: actorOf(officer), faqQuestion: input.faqQuestion, faqAnswer: input.faqAnswer, now });
    await recordAudit({ actor: auditActor(officer), action: 'classroom.faq_propose', room: question.room ?? null, at: now, detail: `提议加入群众问答：${proposal.faqQuestion}` });
    ctx.status = 201;
    ctx.body = { proposal: presentProposal(proposal) };
  });

  router.get('/faq-proposals', async (ctx) => {
    assertRole(ctx, [...ANSWERERS]);
    const query = parseInput(ClassroomProposalsQuerySchema, ctx.query);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = { proposals: (await listProposals({ status: query.status, limit: 100 })).map(presentProposal) };
  });

  router.post('/faq-proposals/:id/decision', async (ctx) => {
    const officer = assertRole(ctx, ['admin']);
    const { id } = parseInput(ClassroomIdParamsSchema, ctx.params);
    const input = parseInput(ClassroomDecisionSchema, ctx.request.body);
    const proposal = await loadProposal(id);
    const now = clock();
    const decided = await decideProposal({ proposal, by: actorOf(officer), decision: input.decision === 'approve' ? 'approved' : 'rejected', reason: input.reason ?? '', now });
    const approved = decided.decision?.decision === 'approved';
    await recordAudit({
      actor: auditActor(officer),
      action: approved ? 'classroom.faq_approve' : 'classroom.faq_reject',
      at: now,
      detail: approved ? `${decided.decision?.faqId ?? ''}：${decided.faqQuestion}` : `${decided.faqQuestion}${input.reason ? `（${input.reason}）` : ''}`,
    });
    ctx.body = { proposal: presentProposal(decided) };
  });

  return router;
}
