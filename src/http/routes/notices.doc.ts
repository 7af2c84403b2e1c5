import { z } from 'zod';
import type { RouteDocs } from '../openapi';
import { roomCodeSchema } from '../validate';
import { CreateSchema, PreviewSchema } from './broadcasts';
import { RunsQuerySchema, UpcomingQuerySchema } from './jobs';
import { CreateVisitSchema } from './mobile-visits';
import { ReportChartSchema, ReportQuerySchema, ReportTableSchema } from './reports';
import { TalkDayPutSchema } from './talk-day';
import { TemplatePreviewSchema, TemplatePutSchema } from './templates';
import { ContactLinkSchema, GroupRoomSchema, GroupSyncSchema, RobotKeySchema } from './wecom';

// Scheduled messages (talk day, mobile visits, broadcasts, templates, job runs), the monthly report, the WeCom channel.

const objectId = z.object({ id: z.string().meta({ description: '24 位十六进制编号（a 24-hex id）' }) });
const roomCode = z.object({ code: roomCodeSchema });
const templateKey = z.object({ key: z.string().meta({ description: '模板编号（a template key, see GET /api/templates）' }) });
const roomQuery = z.object({ room: roomCodeSchema.optional().meta({ description: '警务室编号：看该室的模板（不填为全局模板）' }) });

const Broadcast = z
  .looseObject({
    id: z.string(),
    room: z.string(),
    kind: z.string(),
    kindLabel: z.string(),
    title: z.string(),
    body: z.string(),
    text: z.string(),
    urgent: z.boolean(),
    sendAt: z.string().nullable(),
    state: z.string(),
    deliveries: z.array(
      z.object({
        groupId: z.string(),
        room: z.string(),
        topic: z.string().nullable().meta({ description: '群名' }),
        status: z.enum(['pending', 'queued', 'sending', 'sent', 'failed']).meta({ description: 'pending 未排队；queued 等待机器人或免打扰时段；sending；sent 已发；failed 失败' }),
        notBefore: z.string().nullable().meta({ description: '最早发送时间（ISO 8601）' }),
        sentAt: z.string().nullable(),
        error: z.string().nullable(),
      }),
    ).meta({ description: '每个群的送达情况（delivery per bound group）' }),
  })
  .meta({ id: 'Broadcast', description: '群发通报（a broadcast to bound groups）' });
const Visit = z.looseObject({ id: z.string(), room: z.string() }).meta({ id: 'MobileVisit', description: '流动警务站（a mobile-station stop）' });
const Template = z.looseObject({ key: z.string(), text: z.string() }).meta({ id: 'Template', description: '消息模板（a message template）' });
const TalkDay = z.object({
  room: z.string(),
  configured: z.boolean(),
  settings: z.looseObject({}),
  upcoming: z.array(z.looseObject({ date: z.string() })),
  rules: z.array(z.object({ value: z.string(), label: z.string() })),
});
const WecomGroup = z.object({ chatId: z.string(), owner: z.string(), name: z.string().nullable(), room: z.string().nullable() });
const wecomQuery = z.object({
  msg_signature: z.string(),
  timestamp: z.string(),
  nonce: z.string(),
  echostr: z.string().optional().meta({ description: '仅 URL 校验（GET）时' }),
});

export const noticeDocs: RouteDocs = {
  tag: { name: '定时消息、报表与渠道（Scheduled messages, reports, channels）', description: '谈心日、流动警务、群发通报、消息模板、任务运行；月度考核报表；企业微信回调。' },
  routes: {
    'GET /api/rooms/:code/talk-day': { summary: '谈心日设置与接下来的日期（The room’s talk day）', access: 'officer', params: roomCode, response: TalkDay },
    'PUT /api/rooms/:code/talk-day': { summary: '修改谈心日（Set the room’s talk day）', access: 'officer', params: roomCode, body: TalkDayPutSchema, response: TalkDay },
    'GET /api/mobile-visits': { summary: '流动警务站安排（Mobile-station stops of my rooms, from a week ago）', access: 'officer', response: z.object({ visits: z.array(Visit) }) },
    'POST /api/mobile-visits': { summary: '安排一次流动警务（Schedule a mobile-station stop）', access: 'officer', body: CreateVisitSchema, status: 201, response: z.object({ visit: Visit }) },
    'DELETE /api/mobile-visits/:id': { summary: '取消流动警务（Cancel a stop）', access: 'officer', params: objectId, response: z.object({ visit: Visit }) },
    'GET /api/broadcasts': { summary: '群发通报列表（Broadcasts of my rooms）', access: 'officer', response: z.object({ broadcasts: z.array(Broadcast) }) },
    'GET /api/broadcasts/groups': {
      summary: '可群发的微信群（Groups bound to my rooms）',
      access: 'officer',
      response: z.object({ groups: z.array(z.object({ groupId: z.string(), room: z.string(), topic: z.string().nullable() })) }),
    },
    'POST /api/broadcasts/preview': { summary: '预览群发内容（Preview a broadcast’s text）', access: 'officer', body: PreviewSchema, response: z.object({ text: z.string() }) },
    'POST /api/broadcasts': {
      summary: '群发或定时群发（Send or schedule a broadcast）',
      description: '群内消息不得含居民个人信息。sendAt 为空则立即发送。',
      access: 'officer',
      body: CreateSchema,
      status: 201,
      response: z.object({ broadcast: Broadcast }),
    },
    'GET /api/broadcasts/:id': { summary: '一次群发及各群送达情况（A broadcast with its deliveries）', access: 'officer', params: objectId, response: z.object({ broadcast: Broadcast }) },
    'POST /api/broadcasts/:id/cancel': { summary: '取消定时群发（Cancel a scheduled broadcast）', access: 'officer', params: objectId, response: z.object({ broadcast: Broadcast }), errors: [409] },
    'GET /api/templates': { summary: '消息模板（Message templates）', access: 'officer', query: roomQuery, response: z.object({ templates: z.array(Template) }) },
    'GET /api/templates/:key': { summary: '一个消息模板（One template）', access: 'officer', params: templateKey, query: roomQuery, response: z.object({ template: Template }) },
    'PUT /api/templates/:key': { summary: '修改模板（全局或本室）（Set a template, service-wide or for a room）', access: 'officer', params: templateKey, query: roomQuery, body: TemplatePutSchema, response: z.object({ template: Template }) },
    'DELETE /api/templates/:key': { summary: '恢复默认模板（Back to the default template）', access: 'officer', params: templateKey, query: roomQuery, response: z.object({ template: Template }) },
    'POST /api/templates/:key/preview': {
      summary: '预览模板（Preview a template for a room on a date）',
      access: 'officer',
      params: templateKey,
      body: TemplatePreviewSchema,
      response: z.object({ key: z.string(), room: z.string(), date: z.string(), text: z.string() }),
    },
    'GET /api/jobs/upcoming': { summary: '接下来的定时任务（Upcoming scheduled runs）', access: 'officer', query: UpcomingQuerySchema, response: z.object({ now: z.string(), jobs: z.array(z.looseObject({})) }) },
    'GET /api/jobs/runs': { summary: '任务运行记录（Past runs and what each sent）', access: 'officer', query: RunsQuerySchema, response: z.looseObject({ runs: z.array(z.looseObject({})) }) },
    'GET /api/jobs/notifications': {
      summary: '我的提醒（My notices）',
      access: 'officer',
      response: z.object({
        notifications: z.array(z.object({ id: z.string(), kind: z.string(), room: z.string().nullable(), text: z.string(), at: z.string(), readAt: z.string().nullable() })),
        unread: z.number().int(),
      }),
    },
    'POST /api/jobs/notifications/:id/read': { summary: '标记提醒已读（Mark a notice read）', access: 'officer', params: objectId },
    'GET /api/reports/scope': {
      summary: '可查看的报表范围（Rooms and officers I may open in the reports）',
      access: 'officer',
      response: z.looseObject({ rooms: z.array(z.looseObject({ code: z.string() })) }),
    },
    'GET /api/reports/monthly': {
      summary: '月度考核报表（The monthly assessment）',
      description:
        '民警看本人与本室，所长/督导看辖区，管理员看全部。volunteerTeams：每个警务室本月在岗志愿者（按队伍）与其工作（信息员线索、调解员记录、送达安全员/专管员的通知）；volunteers：每名志愿者。',
      access: 'officer',
      query: ReportQuerySchema,
      response: z.looseObject({ month: z.string() }).meta({ id: 'MonthlyReport' }),
    },
    'GET /api/reports/monthly.csv': {
      summary: '导出月度报表（One table of the monthly report as CSV）',
      access: 'officer',
      query: ReportQuerySchema.extend({ table: ReportTableSchema.optional() }),
      responseType: 'text/csv',
    },
    'GET /api/reports/chart/:name': {
      summary: '报表图表（A chart of the monthly report, SVG）',
      access: 'officer',
      params: z.object({ name: ReportChartSchema }),
      query: ReportQuerySchema,
      responseType: 'image/svg+xml',
    },
    'GET /channels/wecom/callback': {
      summary: '企业微信回调 URL 校验（WeCom URL verification）',
      description: '企业微信按其公开协议签名；签名不对 403 callback_rejected，未配置 404。',
      access: 'public',
      query: wecomQuery,
      responseType: 'text/plain',
      errors: [403, 404],
    },
    'POST /channels/wecom/callback': {
      summary: '企业微信事件回调（WeCom event callback, signed and encrypted XML）',
      description: '立即回答 success，之后再拉取消息。',
      access: 'public',
      query: wecomQuery,
      body: z.string().meta({ description: '企业微信加密的 XML（<xml><Encrypt>…</Encrypt></xml>）' }),
      bodyType: 'text/xml',
      responseType: 'text/plain',
      errors: [403, 404],
    },
    'GET /api/channels/status': {
      summary: '渠道状态：企业微信与微信机器人（Channels: WeCom roads and WeChat bots）',
      access: ['admin'],
      response: z.object({ wecom: z.looseObject({}), wechaty: z.object({ statusUrl: z.string() }) }),
    },
    'GET /api/channels/wecom/groups': {
      summary: '企业微信客户群（WeCom customer groups）',
      access: ['admin'],
      response: z.object({ groups: z.array(WecomGroup.extend({ syncedAt: z.string().nullable().optional() })) }),
    },
    'GET /api/channels/wecom/rooms': {
      summary: '各警务室的微信客服链接与告警群机器人（Per room: the customer-service contact link, and whether an alert robot is set）',
      access: ['admin'],
      response: z.object({
        rooms: z.array(
          z.object({
            code: z.string(),
            name: z.string(),
            contactLink: z.object({ url: z.string(), openKfId: z.string(), createdAt: z.string() }).nullable(),
            robot: z.boolean().meta({ description: '是否已设置群机器人（its key is never shown）' }),
          }),
        ),
      }),
    },
    'POST /api/channels/wecom/rooms/:code/contact-link': {
      summary: '生成该室的微信客服链接（Create the room’s WeChat customer-service contact link）',
      description: '微信客服未配置时 409 channel_off（先在环境变量中配置）。',
      access: ['admin'],
      params: roomCode,
      body: ContactLinkSchema,
      response: z.object({ contactLink: z.object({ url: z.string(), openKfId: z.string(), createdAt: z.string() }) }),
    },
    'PUT /api/channels/wecom/rooms/:code/robot': {
      summary: '设置或清除该室的告警群机器人（Set or clear the room’s alert group robot）',
      description: '可粘贴完整 webhook 地址，只保存其中的 key；null 清除。',
      access: ['admin'],
      params: roomCode,
      body: RobotKeySchema,
      response: z.object({ room: z.string(), robot: z.boolean() }),
    },
    'POST /api/channels/wecom/groups/sync': { summary: '同步客户群（Sync the groups of these owners）', access: ['admin'], body: GroupSyncSchema, response: z.object({ synced: z.number().int().meta({ description: '同步到的客户群数（groups synced）' }) }) },
    'PUT /api/channels/wecom/groups/:chatId': {
      summary: '客户群归属警务室（Assign a WeCom group to a room）',
      access: ['admin'],
      params: z.object({ chatId: z.string() }),
      body: GroupRoomSchema,
      response: z.object({ group: WecomGroup }),
    },
  },
};
