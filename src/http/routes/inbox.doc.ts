import { z } from 'zod';
import type { RouteDocs } from '../openapi';
import { AuditExportSchema, AuditQuerySchema } from './audit';
import { CannedCreateSchema, CannedListSchema, ForceSchema, InboxListSchema, LabelsSchema, NoteSchema, ReplySchema, TransferSchema } from './inbox.schema';
import { AnswerSchema } from './surveys';
import { SubmitTipSchema, TipMessageSchema } from './tips';

// The officers' inbox (items: questions, requests, tips), the tip line, attachments, surveys, the audit log.

const itemId = z.object({ id: z.string().meta({ description: '事项编号（24 位十六进制）. The item id.' }) });
const tipCode = z.object({ code: z.string().meta({ description: '举报编号（J 开头，8 位）. The tip code.', example: 'J3K9QW2M' }) });
const tipSecret = z.object({ 'x-tip-secret': z.string().meta({ description: '提交举报时得到的查询密码（the secret given at submission）' }) });
const image = z.object({ file: z.string().meta({ format: 'binary', description: '一张图片（JPEG/PNG/WebP），大小受 ATTACHMENT_MAX_KB 限制' }) });

const Item = z
  .looseObject({
    id: z.string(),
    code: z.string(),
    room: z.string(),
    kind: z.string(),
    kindLabel: z.string(),
    status: z.string(),
    statusLabel: z.string(),
    priority: z.string(),
    flagged: z.boolean(),
    summary: z.string(),
    service: z.string().nullable(),
    labels: z.array(z.string()),
    assignee: z.object({ id: z.string(), name: z.string(), isMe: z.boolean() }).nullable(),
    leaseUntil: z.string().nullable(),
    anonymous: z.boolean(),
    channel: z.string().nullable(),
    createdAt: z.string(),
    lastActivityAt: z.string(),
  })
  .meta({ id: 'InboxItem', description: '收件箱中的一件事项（an inbox item: a question, a request, a tip）' });
const ThreadMessage = z.looseObject({ id: z.string(), from: z.string().optional(), text: z.string(), at: z.string().optional() }).meta({ id: 'ThreadMessage' });
const ItemAnswer = z.object({ item: Item });
const Canned = z.looseObject({ id: z.string(), room: z.string(), title: z.string(), text: z.string() });
const TipsterMessage = z.object({ message: z.object({ id: z.string(), from: z.literal('you'), text: z.string(), images: z.number().int(), at: z.string() }) });
const SurveyResult = z.object({
  result: z.object({
    counted: z.boolean().meta({ description: '这次评价是否计入满意度（whether this answer counts）' }),
    reason: z.enum(['recorded', 'duplicate', 'late']).meta({ description: 'recorded 已记录；duplicate 已评价过（第一次的为准）；late 已过评价期限' }),
    rating: z.string().nullable().meta({ description: '计入的评价（the rating that counts），late 时为 null' }),
    ratingLabel: z.string().nullable().meta({ description: '评价的中文（e.g. 满意）' }),
    commentStored: z.boolean().meta({ description: '留言是否保存' }),
    followupOpened: z.boolean().meta({ description: '不满意的留言是否已转为待回访事项（a follow-up item was opened）' }),
  }),
});

export const inboxDocs: RouteDocs = {
  tag: { name: '收件箱与举报（Inbox and tips）', description: '民警：领取、回复、办结群众的咨询、求助与举报线索；居民：举报线索、补充、评价。' },
  routes: {
    'GET /api/inbox': {
      summary: '收件箱列表（Inbox items of my rooms）',
      access: 'officer',
      query: InboxListSchema,
      response: z.object({ items: z.array(Item), hasMore: z.boolean(), now: z.string() }),
    },
    'GET /api/inbox/events': {
      summary: '收件箱实时更新（Live updates of my rooms, server-sent events）',
      access: 'officer',
      responseType: 'text/event-stream',
    },
    'GET /api/inbox/canned': { summary: '常用回复（Canned replies）', access: 'officer', query: CannedListSchema, response: z.object({ cannedReplies: z.array(Canned) }) },
    'POST /api/inbox/canned': { summary: '新建常用回复（Create a canned reply）', access: 'officer', body: CannedCreateSchema, status: 201, response: z.object({ cannedReply: Canned }) },
    'DELETE /api/inbox/canned/:cid': { summary: '删除常用回复（Delete a canned reply）', access: 'officer', params: z.object({ cid: z.string() }) },
    'POST /api/inbox/next': {
      summary: '领取下一件（Take the next item from my rooms’ queue）',
      access: 'officer',
      response: z.object({ item: Item.nullable(), message: z.string().optional() }),
    },
    'GET /api/inbox/:id': {
      summary: '事项详情与往来消息（An item with its thread）',
      description: '查看举报线索会记入审计日志。',
      access: 'officer',
      params: itemId,
      response: z.object({ item: Item.extend({ thread: z.array(ThreadMessage) }) }),
    },
    'POST /api/inbox/:id/claim': { summary: '领取（Claim）', description: 'force: true 接手他人持有的事项。', access: 'officer', params: itemId, body: ForceSchema, response: ItemAnswer, errors: [409] },
    'POST /api/inbox/:id/release': { summary: '放回队列（Release）', access: 'officer', params: itemId, body: ForceSchema, response: ItemAnswer, errors: [409] },
    'POST /api/inbox/:id/resolve': { summary: '办结（Resolve）', access: 'officer', params: itemId, body: ForceSchema, response: ItemAnswer, errors: [409] },
    'POST /api/inbox/:id/reopen': { summary: '重新打开（Reopen）', access: 'officer', params: itemId, response: ItemAnswer, errors: [409] },
    'POST /api/inbox/:id/transfer': { summary: '转给其他民警（Transfer to another officer）', access: 'officer', params: itemId, body: TransferSchema, response: ItemAnswer, errors: [409] },
    'PUT /api/inbox/:id/labels': { summary: '设置标签（Set labels）', access: 'officer', params: itemId, body: LabelsSchema, response: ItemAnswer },
    'POST /api/inbox/:id/reply': {
      summary: '回复群众（Reply to the resident）',
      description: '回复经原渠道送达（网页会话、微信私聊、群内@或线索会话）；群内回复不得含个人信息。',
      access: 'officer',
      params: itemId,
      body: ReplySchema,
      status: 201,
      response: z.object({ item: Item, message: ThreadMessage, delivery: z.object({ channel: z.string(), status: z.string(), isGroup: z.boolean() }).nullable() }),
      errors: [409],
    },
    'POST /api/inbox/:id/notes': { summary: '内部备注（Internal note）', access: 'officer', params: itemId, body: NoteSchema, status: 201, response: z.object({ message: ThreadMessage }) },
    'POST /api/inbox/:id/attachments': {
      summary: '上传图片到事项（Attach an image）',
      access: 'officer',
      params: itemId,
      body: image,
      bodyType: 'multipart/form-data',
      status: 201,
      response: z.object({ message: ThreadMessage }),
      errors: [413, 415],
    },
    'GET /api/attachments/:id': {
      summary: '查看图片（An attachment’s bytes; every view audited）',
      access: 'officer',
      params: z.object({ id: z.string() }),
      responseType: 'application/octet-stream',
    },
    'GET /api/attachments/:id/playable': {
      summary: '播放居民语音（A voice recording as WAV for the browser’s player; every view audited）',
      description: '微信语音以 AMR 原样保存（GET /api/attachments/:id 下载）；此处转为浏览器可播放的 WAV（8 kHz 单声道）。无法解码的录音返回 415。',
      access: 'officer',
      params: z.object({ id: z.string() }),
      responseType: 'audio/wav',
      errors: [404, 415],
    },
    'POST /api/tips': {
      summary: '提交举报线索（Submit a tip, anonymously if you like）',
      description: '返回举报编号 code 和查询密码 secret：凭这两者查看回复、补充和评价。紧急情况请拨打 110。按 IP 限流。',
      access: 'public',
      body: SubmitTipSchema,
      status: 201,
      response: z.object({ code: z.string(), secret: z.string(), message: z.string() }),
      errors: [404, 429],
    },
    'GET /api/tips/:code': {
      summary: '举报人查看线索与回复（The tipster reads the tip and replies）',
      access: 'public',
      params: tipCode,
      headers: tipSecret,
      response: z.object({ tip: z.looseObject({ code: z.string(), thread: z.array(z.looseObject({ text: z.string() })).optional() }) }),
      errors: [429],
    },
    'POST /api/tips/:code/messages': { summary: '举报人补充说明（The tipster writes again）', access: 'public', params: tipCode, headers: tipSecret, body: TipMessageSchema, status: 201, response: TipsterMessage, errors: [429] },
    'POST /api/tips/:code/attachments': {
      summary: '举报人补充图片（The tipster adds an image）',
      access: 'public',
      params: tipCode,
      headers: tipSecret,
      body: image,
      bodyType: 'multipart/form-data',
      status: 201,
      response: TipsterMessage,
      errors: [413, 415, 429],
    },
    'POST /api/tips/:code/rating': { summary: '举报人评价办理结果（The tipster rates a resolved tip）', access: 'public', params: tipCode, headers: tipSecret, body: AnswerSchema, response: SurveyResult, errors: [409, 429] },
    'GET /api/surveys/:token': {
      summary: '满意度评价（A satisfaction survey, by its link）',
      access: 'public',
      params: z.object({ token: z.string() }),
      response: z.object({ survey: z.looseObject({ rating: z.string().nullable().optional() }) }),
      errors: [429],
    },
    'POST /api/surveys/:token': { summary: '提交满意度评价（Answer a survey）', access: 'public', params: z.object({ token: z.string() }), body: AnswerSchema, response: SurveyResult, errors: [409, 410, 429] },
    'GET /api/audit': {
      summary: '审计日志（Audit log）',
      access: ['supervisor', 'admin'],
      query: AuditQuerySchema,
      response: z.object({ entries: z.array(z.looseObject({ action: z.string(), at: z.string() })), labels: z.record(z.string(), z.string()) }),
    },
    'GET /api/audit/export.csv': { summary: '导出审计日志（Audit log as CSV）', access: ['supervisor', 'admin'], query: AuditExportSchema, responseType: 'text/csv' },
  },
};
