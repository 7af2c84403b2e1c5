import { z } from 'zod';
import type { RouteDocs } from '../openapi';
import { roomCodeSchema } from '../validate';
import {
  BookSchema,
  CalendarEntrySchema,
  CalendarQuerySchema,
  DayQuerySchema,
  LookupQuerySchema,
  NoteSchema,
  PhoneBodySchema,
  RescheduleSchema,
  ScheduleSchema,
  SlotsQuerySchema,
  VisitToItemSchema,
  WalkInSchema,
} from './appointments.schema';

const bookingCode = z.object({ code: z.string().meta({ description: '预约号（Y 开头，8 位）. The booking number.', example: 'Y7K2M9QD' }) });
const roomCode = z.object({ code: roomCodeSchema });
const iso = z.string().meta({ description: '北京时间 ISO 8601（with +08:00）', example: '2026-12-03T09:30:00+08:00' });

const ResidentAppointment = z
  .object({
    code: z.string(),
    room: z.object({ code: z.string(), name: z.string(), address: z.string(), phone: z.string() }),
    service: z.string(),
    serviceName: z.string(),
    start: iso,
    end: iso,
    status: z.enum(['booked', 'checked_in', 'completed', 'no_show', 'cancelled']),
    statusText: z.string(),
    name: z.string().nullable(),
    phone: z.string().meta({ description: '脱敏手机号（masked）', example: '138****8000' }),
    materials: z.array(z.string()),
    topic: z.string().nullable().meta({ description: '约访事由（仅约访）. The topic of a 约访.' }),
    talkWith: z.enum(['officer', 'leader']).nullable().meta({ description: '约访对象（仅约访）' }),
    cancelUntil: iso,
    canCancel: z.boolean(),
    icsUrl: z.string().meta({ description: '加入日历（.ics）' }),
  })
  .meta({ id: 'ResidentAppointment', description: '居民看到的预约（a booking as the resident sees it）' });

const OfficerAppointment = z
  .looseObject({
    code: z.string(),
    room: z.string(),
    service: z.string(),
    serviceName: z.string(),
    start: iso,
    end: iso,
    status: z.string(),
    walkIn: z.boolean(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    materialsConfirmed: z.boolean(),
    topic: z.string().nullable().optional().meta({ description: '约访事由（仅约访）' }),
    itemCode: z.string().nullable().optional().meta({ description: '约访已转为事项时的事项编号' }),
    notes: z.array(z.object({ text: z.string(), officerName: z.string().nullable(), createdAt: iso })),
  })
  .meta({ id: 'OfficerAppointment', description: '民警看到的预约（a booking in the officers’ day view）' });

const Slot = z.looseObject({ start: iso, end: iso, free: z.number().int().optional() });
const CalendarEntry = z
  .object({
    id: z.string(),
    room: z.string().nullable(),
    date: z.string(),
    kind: z.enum(['holiday', 'workday', 'closure']),
    name: z.string().nullable(),
    followsWeekday: z.number().int().nullable(),
    startTime: z.string().nullable(),
    endTime: z.string().nullable(),
    provisional: z.boolean(),
    source: z.string(),
  })
  .meta({ id: 'CalendarEntry' });
const Schedule = z.object({ room: z.string(), schedule: z.looseObject({ slotMinutes: z.number().int(), capacity: z.number().int() }) });

export const appointmentDocs: RouteDocs = {
  tag: { name: '预约办事（Appointments）', description: '居民预约、查询、取消、改约；民警的日程、签到、办结、现场登记；排班与节假日。' },
  routes: {
    'POST /api/appointments': {
      summary: '预约一个时段（Book a slot）',
      description:
        '必须 materialsConfirmed: true（居民确认已备齐材料），否则 400 materials_not_confirmed。短信开启时需 verificationCode（先 POST /api/verification-codes，purpose=booking）。时段已满 409；按 IP 和手机号限流 429。成功后发送确认短信。',
      access: 'public',
      body: BookSchema,
      status: 201,
      response: ResidentAppointment,
      errors: [404, 409, 429],
    },
    'GET /api/appointments/:code': {
      summary: '查询一个预约；或以 .ics 结尾下载日历文件（Look up a booking; or its .ics file）',
      description: '查询需手机号（短信开启时还需 verificationCode 或 verificationToken）。`/api/appointments/Y7K2M9QD.ics` 返回 text/calendar，无需手机号。',
      access: 'public',
      params: bookingCode,
      query: LookupQuerySchema,
      response: ResidentAppointment,
      alsoAnswers: {
        type: 'text/calendar',
        description: '路径以 .ics 结尾时（/api/appointments/Y7K2M9QD.ics）：日历文件（iCalendar，时间为 UTC），只含服务、时间和警务室，不含姓名和手机号；不需要 phone 参数（When the path ends in .ics: the iCalendar file, no personal data, no phone needed）',
      },
      errors: [429],
    },
    'POST /api/appointments/:code/cancel': {
      summary: '取消预约（Cancel a booking）',
      description: '需手机号（短信开启时还需验证码或凭证）；过了 cancelUntil 不能取消（400/409）。',
      access: 'public',
      params: bookingCode,
      body: PhoneBodySchema,
      response: ResidentAppointment,
      errors: [409, 429],
    },
    'POST /api/appointments/:code/reschedule': {
      summary: '改约到另一个时段（Reschedule a booking）',
      access: 'public',
      params: bookingCode,
      body: RescheduleSchema,
      response: ResidentAppointment,
      errors: [409, 429],
    },
    'POST /api/appointments/:code/check-in': { summary: '签到（Check in）', access: 'officer', params: bookingCode, response: z.object({ appointment: OfficerAppointment }), errors: [409] },
    'POST /api/appointments/:code/complete': { summary: '办结（Complete）', access: 'officer', params: bookingCode, response: z.object({ appointment: OfficerAppointment }), errors: [409] },
    'POST /api/appointments/:code/no-show': { summary: '标记未到（No-show）', access: 'officer', params: bookingCode, response: z.object({ appointment: OfficerAppointment }), errors: [409] },
    'POST /api/appointments/:code/to-item': {
      summary: '约访转为事项（Turn what was said at a 约访 into an item）',
      description: '为约访（talk_with_officer）而设，其他预约的当面谈话也可。民警整理谈话内容，生成本室收件箱里的事项（S 开头编号），居民可在“查进度”页面凭编号查询；居民从聊天预约的，编号也发回原对话。每个约访只生成一个事项：再次提交返回同一编号（200）。',
      access: 'officer',
      params: bookingCode,
      body: VisitToItemSchema,
      status: 201,
      response: z.object({ appointment: z.string(), itemCode: z.string().meta({ example: 'S7K2M9QD' }), created: z.boolean() }),
      errors: [409],
    },
    'POST /api/appointments/:code/notes': {
      summary: '添加备注（Add a note）',
      access: 'officer',
      params: bookingCode,
      body: NoteSchema,
      status: 201,
      response: z.object({ note: z.object({ text: z.string(), officerName: z.string().nullable(), createdAt: z.string() }) }),
    },
    'GET /api/rooms/:code/slots': {
      summary: '可预约时段（Free slots of a room for a service）',
      description: 'date 查一天；from + days 查一段（最多 62 天）。',
      access: 'public',
      params: roomCode,
      query: SlotsQuerySchema,
      response: z.object({
        room: z.object({ code: z.string(), name: z.string(), address: z.string() }),
        service: z.object({ key: z.string(), name: z.string(), materials: z.array(z.string()) }),
        data: z.array(Slot),
        days: z.array(z.looseObject({ date: z.string(), slots: z.array(Slot) })),
        leaderDays: z.array(z.string()).optional().meta({ description: '仅约访（service=talk_with_officer）：其中可约所领导的日期（本室警民恳谈日）. 约访 only: the talk days among these.' }),
      }),
      errors: [429],
    },
    'GET /api/rooms/:code/day': {
      summary: '一天的预约（The room’s day view）',
      access: 'officer',
      params: roomCode,
      query: DayQuerySchema,
      response: z.object({
        room: z.object({ code: z.string(), name: z.string() }),
        date: z.string(),
        open: z.boolean(),
        reason: z.string().nullable().optional(),
        label: z.string().nullable().optional(),
        slots: z.array(z.object({ start: iso, end: iso, capacity: z.number().int(), held: z.number().int(), appointments: z.array(OfficerAppointment) })),
        offGrid: z.array(OfficerAppointment),
        closedDayCancellations: z.array(
          z.object({ code: z.string(), serviceName: z.string(), start: iso, name: z.string().nullable(), phoneMasked: z.string().nullable(), phone: z.string().nullable(), told: z.enum(['chat', 'sms', 'chat_sms', 'none']) }),
        ),
      }),
    },
    'POST /api/rooms/:code/walk-ins': {
      summary: '现场登记（Register a walk-in）',
      access: 'officer',
      params: roomCode,
      body: WalkInSchema,
      status: 201,
      response: z.object({ appointment: OfficerAppointment }),
      errors: [409],
    },
    'GET /api/rooms/:code/schedule': { summary: '排班设置（The room’s schedule）', access: 'officer', params: roomCode, response: Schedule },
    'PUT /api/rooms/:code/schedule': { summary: '修改排班（Save the room’s schedule）', access: 'officer', params: roomCode, body: ScheduleSchema, response: Schedule },
    'GET /api/holidays': { summary: '节假日与调休（Holidays, make-up workdays, closures）', access: 'public', query: CalendarQuerySchema, response: z.object({ data: z.array(CalendarEntry) }) },
    'POST /api/holidays': {
      summary: '添加或修改一天（Put a calendar day）',
      description: '不带 room 为全国日历，仅管理员可改；带 room 为本室。',
      access: 'officer',
      body: CalendarEntrySchema,
      status: 201,
      response: z.object({ entry: CalendarEntry.nullable() }),
    },
    'DELETE /api/holidays/:id': { summary: '删除一天（Delete a calendar entry）', access: 'officer', params: z.object({ id: z.string().meta({ description: '24 位十六进制编号' }) }), status: 204 },
  },
};
