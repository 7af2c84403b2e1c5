import { z } from 'zod';
import type { RouteDocs } from '../openapi';
import { roomCodeSchema } from '../validate';
import { BotQrQuerySchema, RoomOfficersSchema } from './admin';
import { ChangePasswordSchema } from './auth.schema';
import { FaqCreateSchema, FaqIdSchema, FaqListQuerySchema, FaqTrySchema, FaqUpdateSchema } from './faq.schema';
import { BindCodeRequestSchema, GroupIdSchema } from './groups';
import { OfficerCreateSchema, OfficerListSchema, OfficerUpdateSchema } from './officers.schema';
import { RoomCreateSchema, RoomUpdateSchema } from './rooms-admin';

// One's own account, the admin console, officers, rooms, the FAQ, WeChat groups, the bots.

/** How the bot would understand a sample message (modules/conversations preview.ts). */
const UnderstandingPreview = z
  .object({
    intent: z.string(),
    intentLabel: z.string().meta({ description: '意图（e.g. 办事咨询）' }),
    service: z.string().nullable().meta({ description: '事项编号（service key）' }),
    serviceName: z.string().nullable(),
    emergency: z.boolean(),
    confidence: z.number(),
    faq: z.object({ id: z.string(), question: z.string(), score: z.number() }).nullable().meta({ description: '会用来回答的常见问题（达到回答阈值时）' }),
    answer: z.string().meta({ description: '居民首先会看到的回答（简述）' }),
  })
  .meta({ id: 'UnderstandingPreview', description: '机器人对一句话的理解（how the bot understands a sample message）' });
const objectId = z.object({ id: z.string().meta({ description: '24 位十六进制编号（a 24-hex id）' }) });
const roomCode = z.object({ code: roomCodeSchema });

const Officer = z
  .looseObject({
    id: z.string(),
    username: z.string(),
    name: z.string(),
    badge: z.string().nullable(),
    phone: z.string().nullable(),
    role: z.enum(['officer', 'supervisor', 'admin']),
    roleLabel: z.string(),
    rooms: z.array(z.string()),
    district: z.string().nullable(),
    active: z.boolean(),
  })
  .meta({ id: 'Officer', description: '民警账号（an officer account）' });
const WithTemporaryPassword = z.object({ officer: Officer, temporaryPassword: z.string().nullable().meta({ description: '临时密码，只显示这一次（shown once）' }) });
const Member = z.object({ id: z.string(), username: z.string(), name: z.string(), role: z.string(), active: z.boolean() });
const AdminRoom = z.looseObject({ code: z.string(), name: z.string(), active: z.boolean(), members: z.array(Member), groups: z.number().int(), chatLink: z.string() });
const Faq = z
  .object({ id: z.string(), question: z.string(), answer: z.string(), keywords: z.array(z.string()), service: z.string().nullable(), active: z.boolean(), updatedAt: z.string().nullable() })
  .meta({ id: 'Faq', description: '常见问题（an FAQ entry the chat answers from）' });
const Binding = z.object({ groupId: z.string(), room: z.string(), topic: z.string().nullable().optional(), boundVia: z.string(), boundAt: z.string() });
const Bot = z.looseObject({ bot: z.string().optional(), state: z.string().optional() });

export const adminDocs: RouteDocs = {
  tag: { name: '账号与管理（Accounts and administration）', description: '本人账号与会话；管理员：民警、警务室、常见问题、群绑定、机器人与渠道。' },
  routes: {
    'POST /api/account/password': { summary: '修改本人密码（Change my password）', access: 'officer', body: ChangePasswordSchema },
    'GET /api/account/sessions': {
      summary: '本人的登录会话（My sessions）',
      access: 'officer',
      response: z.object({
        sessions: z.array(z.object({ id: z.string(), current: z.boolean(), signedInAt: z.string().nullable(), lastSeenAt: z.string(), expiresAt: z.string(), ip: z.string().nullable() })),
      }),
    },
    'DELETE /api/account/sessions/:id': { summary: '结束本人的一个会话（End one of my sessions）', access: 'officer', params: objectId, status: 204 },
    'POST /api/account/sessions/end-others': { summary: '结束本人其他会话（End my other sessions）', access: 'officer', response: z.object({ ended: z.number().int() }) },
    'GET /api/admin/checklist': { summary: '上线检查清单（Setup checklist）', access: ['admin'], response: z.object({ steps: z.array(z.looseObject({ key: z.string().optional(), done: z.boolean().optional() })) }) },
    'GET /api/admin/rooms': { summary: '警务室与成员（Rooms with their officers; supervisors read-only）', access: ['admin', 'supervisor'], response: z.object({ rooms: z.array(AdminRoom) }) },
    'PUT /api/admin/rooms/:code/officers': {
      summary: '设置警务室的民警（Set which officers serve a room）',
      access: ['admin'],
      params: roomCode,
      body: RoomOfficersSchema,
      response: z.object({ members: z.array(Member) }),
    },
    'GET /api/admin/channels': {
      summary: '渠道状态：微信机器人等（Channels: the WeChat bots’ state）',
      access: ['admin', 'supervisor'],
      response: z.looseObject({ bots: z.array(Bot), botLabels: z.record(z.string(), z.string()) }),
    },
    'GET /api/admin/bot-qr.svg': { summary: '机器人登录二维码（The bot’s login QR code, SVG）', access: ['admin'], query: BotQrQuerySchema, responseType: 'image/svg+xml', errors: [404] },
    'GET /api/admin/rooms/:code/poster': {
      summary: '警务室海报二维码指向：本室微信客服链接，没有时为本室网上咨询（Where a room’s poster QR leads: its WeChat customer-service link, else its web chat）',
      access: 'officer',
      params: roomCode,
      response: z.object({ room: z.string(), qr: z.object({ kind: z.enum(['wechat_kf', 'web_chat']), url: z.string(), label: z.string() }) }),
    },
    'GET /api/admin/rooms/:code/poster-qr.svg': { summary: '警务室海报二维码：本室微信客服链接，没有时为本室网上咨询（A room’s poster QR code, SVG）', access: 'officer', params: roomCode, responseType: 'image/svg+xml' },
    'GET /api/officers': {
      summary: '民警列表（Officers; supervisors see their district）',
      description: '不含志愿者账号（志愿者在 /api/volunteers）。',
      access: ['supervisor', 'admin'],
      query: OfficerListSchema,
      response: z.object({ officers: z.array(Officer) }),
    },
    'POST /api/officers': {
      summary: '新建民警账号（Create an officer）',
      description: '不填密码时生成临时密码（只返回这一次），首次登录须修改。',
      access: ['admin'],
      body: OfficerCreateSchema,
      status: 201,
      response: WithTemporaryPassword,
      errors: [409],
    },
    'PUT /api/officers/:id': { summary: '修改民警账号（Update an officer）', description: '志愿者账号不在此修改：409 volunteer_account（请用 /api/volunteers）。', access: ['admin'], params: objectId, body: OfficerUpdateSchema, response: z.object({ officer: Officer }), errors: [409] },
    'POST /api/officers/:id/reset-password': { summary: '重置密码为临时密码（Reset to a temporary password）', description: '志愿者账号不在此修改：409 volunteer_account（请用 /api/volunteers）。', access: ['admin'], params: objectId, response: WithTemporaryPassword, errors: [409] },
    'POST /api/officers/:id/unlock': { summary: '解除登录锁定（Lift sign-in delays）', description: '志愿者账号不在此修改：409 volunteer_account（请用 /api/volunteers）。', access: ['admin'], params: objectId, response: z.object({ officer: Officer, cleared: z.number().int() }), errors: [409] },
    'POST /api/rooms': { summary: '新建警务室（Create a room）', access: ['admin'], body: RoomCreateSchema, status: 201, response: z.object({ room: z.looseObject({ code: z.string(), name: z.string() }) }), errors: [409] },
    'PUT /api/rooms/:code': {
      summary: '修改警务室（Update a room）',
      access: ['admin'],
      params: roomCode,
      body: RoomUpdateSchema,
      response: z.object({ room: z.looseObject({ code: z.string(), name: z.string(), active: z.boolean() }) }),
    },
    'GET /api/faq': { summary: '常见问题列表（FAQ entries）', access: ['admin'], query: FaqListQuerySchema, response: z.object({ faq: z.array(Faq), total: z.number().int() }) },
    'POST /api/faq/try': {
      summary: '试答：修改前后机器人会怎么回答（Try a question against the FAQ, before and after an edit）',
      access: ['admin'],
      body: FaqTrySchema,
      response: z.object({ before: UnderstandingPreview, after: UnderstandingPreview.nullable().meta({ description: '按草稿修改后的理解；没有草稿时为 null' }) }),
    },
    'GET /api/faq/:id': { summary: '一条常见问题（One FAQ entry）', access: ['admin'], params: z.object({ id: FaqIdSchema }), response: z.object({ faq: Faq }) },
    'POST /api/faq': { summary: '新建常见问题（Create an FAQ entry）', access: ['admin'], body: FaqCreateSchema, status: 201, response: z.object({ faq: Faq }), errors: [409] },
    'PUT /api/faq/:id': { summary: '修改常见问题（Update an FAQ entry）', access: ['admin'], params: z.object({ id: FaqIdSchema }), body: FaqUpdateSchema, response: z.object({ faq: Faq }) },
    'DELETE /api/faq/:id': { summary: '删除常见问题（Delete an FAQ entry）', access: ['admin'], params: z.object({ id: FaqIdSchema }), status: 204 },
    'GET /api/groups': { summary: '已绑定的微信群（Bound WeChat groups）', access: ['admin', 'supervisor'], response: z.object({ groups: z.array(Binding) }) },
    'POST /api/groups/bind-codes': {
      summary: '生成群绑定码（A one-time code that binds a WeChat group to a room）',
      description: '在群里发送 command（“绑定 <编号> <绑定码>”）即可绑定。',
      access: ['admin', 'supervisor'],
      body: BindCodeRequestSchema,
      status: 201,
      response: z.object({ bindCode: z.object({ code: z.string(), room: z.string(), expiresAt: z.string(), command: z.string() }) }),
      errors: [404],
    },
    'DELETE /api/groups/:groupId': { summary: '解除群绑定（Unbind a group）', access: ['admin', 'supervisor'], params: z.object({ groupId: GroupIdSchema }), status: 204 },
    'GET /api/bot/status': { summary: '微信机器人状态（The WeChat bots’ state）', access: ['admin'], response: z.object({ bots: z.array(Bot), labels: z.record(z.string(), z.string()) }) },
  },
};
