import { z } from 'zod';
import type { RouteDocs } from '../openapi';
import { roomCodeSchema } from '../validate';
import { LoginSchema } from './auth.schema';
import { ChatMessageSchema, ConversationIdSchema, FeedCursorSchema, FeedQuerySchema } from './chat.schema';
import { RoomsQuerySchema } from './rooms';
import { ServiceKeySchema } from './services';
import { StatusQuerySchema } from './status';
import { CheckSchema, RequestSchema } from './verification-codes';

// Health probes, signing in, rooms and services, the web chat, the status look-up, SMS codes.

const OfficerView = z
  .looseObject({ id: z.string(), username: z.string(), name: z.string(), role: z.enum(['officer', 'supervisor', 'admin']), rooms: z.array(z.string()) })
  .meta({ id: 'SessionOfficer', description: '当前登录的民警（the signed-in officer）' });

const RoomView = z
  .object({
    code: z.string(),
    name: z.string(),
    type: z.string(),
    typeLabel: z.string(),
    district: z.string(),
    districtName: z.string(),
    address: z.string(),
    phone: z.string(),
    areas: z.array(z.string()),
    hoursText: z.string(),
    openingHours: z.array(z.object({ weekday: z.number().int(), open: z.string(), close: z.string(), breakStart: z.string().nullable(), breakEnd: z.string().nullable() })),
    description: z.string(),
    officers: z.array(z.object({ name: z.string(), badge: z.string().nullable() })),
  })
  .meta({ id: 'Room', description: '警务室（a police room）' });

const ServiceView = z
  .object({
    key: z.string(),
    order: z.number().int(),
    name: z.string(),
    gloss: z.string(),
    materials: z.array(z.string()).meta({ description: '所需材料（what to bring）' }),
    mode: z.string(),
    modeText: z.string(),
    typicalTime: z.string(),
    bookable: z.boolean(),
  })
  .meta({ id: 'Service', description: '办理事项（one of the services a room offers）' });

const Reply = z.object({ text: z.string(), options: z.array(z.object({ label: z.string(), value: z.string() })).optional() });
const FeedMessage = z
  .object({ id: z.string(), text: z.string(), options: z.array(z.object({ label: z.string(), value: z.string() })), purpose: z.string(), at: z.string() })
  .meta({ id: 'FeedMessage', description: '民警回复或通知（an officer reply or a notice in a web chat）' });

export const publicDocs: RouteDocs = {
  tag: { name: '居民与探针（Residents and probes）', description: '无需登录：健康检查、警务室与办理事项、网上咨询、进度查询、短信验证码。' },
  routes: {
    'GET /healthz': { summary: '存活检查（Liveness probe）', access: 'public', response: z.object({ status: z.literal('ok') }) },
    'GET /readyz': {
      summary: '就绪检查：数据库可用（Readiness: the database answers）',
      description: '503 时回答 {error, status: "not_ready", database: "down"}。',
      access: 'public',
      response: z.object({ status: z.literal('ready'), database: z.literal('up') }),
    },
    'GET /api/openapi.json': { summary: '本接口说明（This OpenAPI document）', access: 'public', response: z.looseObject({ openapi: z.string() }) },
    'POST /api/auth/login': {
      summary: '民警登录（Officer sign-in）',
      description: '成功时设置会话 cookie（pr_session），并返回 csrfToken：之后的 POST/PUT/DELETE 都要在 X-CSRF-Token 头带上它。连续输错会被锁定（429）。',
      access: 'public',
      body: LoginSchema,
      response: z.object({ csrfToken: z.string(), officer: OfficerView }),
      errors: [401, 429],
    },
    'POST /api/auth/logout': { summary: '退出登录（Sign out）', access: 'officer' },
    'GET /api/me': { summary: '当前登录民警与 CSRF 令牌（Who am I, and the CSRF token）', access: 'officer', response: z.object({ officer: OfficerView, csrfToken: z.string() }) },
    'GET /api/rooms': { summary: '警务室列表（Rooms）', access: 'public', query: RoomsQuerySchema, response: z.object({ rooms: z.array(RoomView) }) },
    'GET /api/rooms/:code': {
      summary: '一个警务室（One room, with its officers）',
      access: 'public',
      params: z.object({ code: roomCodeSchema }),
      response: z.object({ room: RoomView }),
    },
    'GET /api/services': { summary: '办理事项（The 21 services）', access: 'public', response: z.object({ services: z.array(ServiceView) }) },
    'GET /api/services/:key': { summary: '一个办理事项及所需材料（One service and its materials）', access: 'public', params: z.object({ key: ServiceKeySchema }), response: z.object({ service: ServiceView }) },
    'POST /api/chat/messages': {
      summary: '网上咨询：发一条消息（Web chat: send a message）',
      description: '不带 conversationId 时开始新会话；回答中的 conversationId 是读取该会话回复的唯一凭证。按 IP 与会话限流（429）。紧急情况请拨打 110。',
      access: 'public',
      body: ChatMessageSchema,
      response: z.object({ conversationId: ConversationIdSchema, replies: z.array(Reply) }),
      errors: [404, 429],
    },
    'GET /api/chat/conversations/:id/messages': {
      summary: '网上咨询：读取民警回复（Web chat: officer replies after a cursor）',
      access: 'public',
      params: z.object({ id: ConversationIdSchema }),
      query: FeedQuerySchema,
      response: z.object({ messages: z.array(FeedMessage), cursor: FeedCursorSchema.nullable() }),
    },
    'GET /api/chat/conversations/:id/events': {
      summary: '网上咨询：实时推送（Web chat: live feed, server-sent events）',
      description: '每条 `event: message` 的 data 是一条 FeedMessage，id 是游标；断线重连时带 Last-Event-ID（或 ?after=游标）只补发错过的消息。',
      access: 'public',
      params: z.object({ id: ConversationIdSchema }),
      query: z.object({ after: FeedCursorSchema.optional() }),
      responseType: 'text/event-stream',
    },
    'POST /api/status': {
      summary: '查询办理进度（Status look-up by code）',
      description: '预约号以 Y 开头，事项编号以 S 开头，举报编号以 J 开头（举报需同时提供查询密码）。编号不含 0、1、O、I、L：含这些字符的输入答 400 `invalid_code` 并说明。不显示姓名、号码或正文。按 IP 限流。',
      access: 'public',
      body: StatusQuerySchema,
      response: z.object({
        status: z.object({
          kind: z.enum(['appointment', 'item', 'tip']),
          code: z.string(),
          title: z.string(),
          state: z.string(),
          nextStep: z.string(),
          facts: z.array(z.object({ label: z.string(), value: z.string() })),
          link: z.object({ href: z.string(), text: z.string() }).nullable(),
        }),
      }),
      errors: [400, 404, 429],
    },
    'GET /api/verification-codes': {
      summary: '是否需要短信验证码（Whether SMS codes are required, and their rules）',
      access: 'public',
      response: z.object({ required: z.boolean(), digits: z.number().int(), validMinutes: z.number().int(), maxTries: z.number().int(), intervalSeconds: z.number().int() }),
    },
    'POST /api/verification-codes': {
      summary: '发送短信验证码（Send an SMS code）',
      description: '无论该号码是否有预约，回答都相同。短信未开通时 404 sms_disabled；超过限额 429。',
      access: 'public',
      body: RequestSchema,
      status: 202,
      response: z.looseObject({ message: z.string() }),
      errors: [404, 429],
    },
    'POST /api/verification-codes/check': {
      summary: '用验证码换取查询凭证（Exchange a manage code for a token）',
      description: 'verificationToken 在 validMinutes 分钟内可用于查询、取消、改约该号码的预约。',
      access: 'public',
      body: CheckSchema,
      response: z.object({ verificationToken: z.string(), expiresAt: z.string(), validMinutes: z.number().int() }),
      errors: [404, 429],
    },
  },
};
