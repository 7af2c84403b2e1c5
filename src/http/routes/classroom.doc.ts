import { z } from 'zod';
import type { RouteDocs } from '../openapi';
import {
  ClassroomAnswerSchema,
  ClassroomAskSchema,
  ClassroomDecisionSchema,
  ClassroomIdParamsSchema,
  ClassroomListQuerySchema,
  ClassroomProposalsQuerySchema,
  ClassroomProposeSchema,
} from './classroom';

// 网上课堂: the officers' question-and-answer board, and its way into the residents' FAQ.

const Person = z.object({ id: z.string(), name: z.string() });
const Summary = z
  .object({
    id: z.string(),
    category: z.string(),
    categoryLabel: z.string(),
    title: z.string(),
    excerpt: z.string(),
    room: z.string().nullable(),
    askedBy: Person,
    createdAt: z.string(),
    answers: z.number().int(),
    firstAnsweredAt: z.string().nullable().meta({ description: '首次解答时间（一经记录不再改变）' }),
  })
  .meta({ id: 'ClassroomQuestionSummary', description: '网上课堂问题（列表）' });
const Answer = z.object({ id: z.string(), by: Person.extend({ role: z.string() }), body: z.string(), createdAt: z.string() }).meta({ id: 'ClassroomAnswer' });
const Proposal = z
  .object({
    id: z.string(),
    question: z.object({ id: z.string(), title: z.string() }),
    proposedBy: Person,
    faqQuestion: z.string(),
    faqAnswer: z.string(),
    createdAt: z.string(),
    status: z.enum(['pending', 'approved', 'rejected']),
    decision: z.object({ by: Person, at: z.string(), reason: z.string(), faqId: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'ClassroomFaqProposal', description: '加入群众问答的提议' });
const Question = Summary.extend({
  body: z.string(),
  firstAnswer: z.object({ at: z.string(), by: Person }).nullable(),
  answerList: z.array(Answer),
  proposals: z.array(Proposal),
}).meta({ id: 'ClassroomQuestion', description: '网上课堂问题（含解答与提议）' });

export const classroomDocs: RouteDocs = {
  tag: {
    name: '网上课堂（Officers’ Q&A board）',
    description: '民警提出业务问题，督导和管理员解答；好的解答经另一位管理员审核后加入群众问答（机器人据此回答群众）。仅限民警、督导、管理员；手机号和身份证号保存时自动打码。',
  },
  routes: {
    'GET /api/classroom/options': {
      summary: '网上课堂的选项与本人权限（Categories, my rooms, what I may do）',
      access: ['officer', 'supervisor', 'admin'],
      response: z.object({
        me: Person.extend({ role: z.string() }),
        categories: z.array(z.object({ key: z.string(), label: z.string() })),
        rooms: z.array(z.object({ code: z.string(), name: z.string() })),
        canAnswer: z.boolean(),
        canPropose: z.boolean(),
        canReview: z.boolean(),
        pageSize: z.number().int(),
      }),
    },
    'GET /api/classroom/questions': {
      summary: '问题列表与搜索（List, search by words, filter by category and answered/unanswered）',
      access: ['officer', 'supervisor', 'admin'],
      query: ClassroomListQuerySchema,
      response: z.object({ total: z.number().int(), page: z.number().int(), pageSize: z.number().int(), questions: z.array(Summary) }),
    },
    'POST /api/classroom/questions': {
      summary: '提问（Ask a question）',
      access: ['officer', 'supervisor', 'admin'],
      body: ClassroomAskSchema,
      status: 201,
      response: z.object({ question: Question }),
    },
    'GET /api/classroom/questions/:id': {
      summary: '问题详情（A question with its answers and FAQ proposals）',
      access: ['officer', 'supervisor', 'admin'],
      params: ClassroomIdParamsSchema,
      response: z.object({ question: Question }),
    },
    'POST /api/classroom/questions/:id/answers': {
      summary: '解答（Answer; supervisors and admins）',
      description: '第一条解答的时间和解答人记为“首次解答”，只记录一次（同时解答时只有一条算首次），月考核据此统计。',
      access: ['supervisor', 'admin'],
      params: ClassroomIdParamsSchema,
      body: ClassroomAnswerSchema,
      status: 201,
      response: z.object({ answer: Answer, first: z.boolean() }),
    },
    'POST /api/classroom/questions/:id/faq-proposals': {
      summary: '提议加入群众问答（Propose for the residents’ FAQ; supervisors and admins）',
      description: '问题须已解答。提交给群众看的问题和答案（可改写），由另一位管理员审核。',
      access: ['supervisor', 'admin'],
      params: ClassroomIdParamsSchema,
      body: ClassroomProposeSchema,
      status: 201,
      response: z.object({ proposal: Proposal }),
    },
    'GET /api/classroom/faq-proposals': {
      summary: '加入群众问答的提议（Proposals: pending or decided）',
      access: ['supervisor', 'admin'],
      query: ClassroomProposalsQuerySchema,
      response: z.object({ proposals: z.array(Proposal) }),
    },
    'POST /api/classroom/faq-proposals/:id/decision': {
      summary: '审核提议（Approve or reject; admins, not the proposer）',
      description: '通过后成为群众问答条目（编号 ketang-<提议编号>），机器人随即可用它回答；不通过则不加入。每条提议只能审核一次（409）。',
      access: ['admin'],
      params: ClassroomIdParamsSchema,
      body: ClassroomDecisionSchema,
      response: z.object({ proposal: Proposal }),
      errors: [409],
    },
  },
};
