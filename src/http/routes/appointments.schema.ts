import { z } from 'zod';
import { humanText, roomCodeSchema } from '../validate';
import { BOOKABLE_KEYS } from '../../lib/service-catalog';
import { normalizeMobile } from '../../modules/appointments';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:mm');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');

export const mobileSchema = z
  .string({ error: '请填写手机号' })
  .transform((v, ctx) => {
    const phone = normalizeMobile(v);
    if (!phone) {
      ctx.addIssue({ code: 'custom', message: '手机号格式不正确，请填写11位手机号' });
      return z.NEVER;
    }
    return phone;
  })
  .meta({ description: '11位手机号（a mainland mobile number）', example: '13800138000' });

export const serviceKeySchema = z.string().trim().regex(/^[a-z_]{1,64}$/, '办理事项编号格式不正确');

export const SlotsQuerySchema = z.object({
  service: serviceKeySchema,
  date: isoDate.optional(),
  from: isoDate.optional(),
  days: z.coerce.number().int().min(1, '天数至少为1').max(62, '一次最多查询62天').optional(),
});

export const BookSchema = z.object({
  room: roomCodeSchema,
  service: serviceKeySchema,
  start: z.string().min(10, '请选择预约时段').max(40),
  name: humanText(20).pipe(z.string().max(20, '姓名不能超过20个字')),
  phone: mobileSchema,
  materialsConfirmed: z.boolean().default(false).meta({
    description: '必须为 true：居民确认已备齐该事项所需材料（见 GET /api/services/{key} 的 materials），否则 400 materials_not_confirmed. Must be true: the resident confirms the materials checklist.',
  }),
  topic: humanText(200).optional().meta({ description: '约访（service=talk_with_officer）必填：想谈的事，200字以内. Required for 约访: what the resident wants to talk about.' }),
  talkWith: z.enum(['officer', 'leader']).optional().meta({ description: '约访：officer = 社区民警（默认）；leader = 所领导，仅限本室当月恳谈日（18日）. 约访 only: with the officer (default) or a leader, on the talk day only.' }),
  /** The 6-digit SMS code (required when SMS is on). */
  verificationCode: z.string().trim().max(10).optional().meta({ description: '短信验证码（短信开启时必填，见 GET /api/verification-codes）. The SMS code, required when SMS is on.' }),
});
export type BookReq = z.infer<typeof BookSchema>;

/** Managing a booking by phone: with SMS on, a fresh "manage" code or the token it was exchanged for. */
const proof = { verificationCode: z.string().trim().max(10).optional(), verificationToken: z.string().trim().max(100).optional() };
export const PhoneBodySchema = z.object({ phone: mobileSchema, ...proof });
export const LookupQuerySchema = z.object({ phone: mobileSchema, ...proof });
export const RescheduleSchema = z.object({ phone: mobileSchema, start: z.string().min(10, '请选择新的时段').max(40), ...proof });
export const NoteSchema = z.object({ text: humanText(1000) });
export const VisitToItemSchema = z.object({
  text: humanText(2000).meta({ description: '约访谈到的事（民警整理），2000字以内. What was said, as the officer writes it down.' }),
  kind: z.enum(['question', 'dispute', 'complaint', 'followup']).optional().meta({ description: '事项类型，默认 question（咨询）' }),
});
export const WalkInSchema = z.object({
  service: serviceKeySchema,
  name: humanText(20).optional().nullable(),
  phone: mobileSchema.optional().nullable(),
  start: z.string().max(40).optional().nullable(),
});
export const DayQuerySchema = z.object({ date: isoDate });

const weeklySchema = z.object({
  weekday: z.number().int().min(1).max(7),
  open: HHMM,
  close: HHMM,
  breakStart: HHMM.nullable().optional(),
  breakEnd: HHMM.nullable().optional(),
});
const ruleSchema = z.object({
  service: z.enum(BOOKABLE_KEYS),
  enabled: z.boolean().default(true),
  weekdays: z.array(z.number().int().min(1).max(7)).max(7).default([]),
  slotMinutes: z.number().int().min(5).max(480).nullable().optional(),
  capacity: z.number().int().min(1).max(50).nullable().optional(),
  walkInShare: z.number().min(0).max(1).nullable().optional(),
  bookingOpensDays: z.number().int().min(1).max(365).nullable().optional(),
  bookingClosesMinutes: z.number().int().min(0).max(10080).nullable().optional(),
});
export const ScheduleSchema = z.object({
  slotMinutes: z.number().int().min(5).max(240),
  capacity: z.number().int().min(1).max(50),
  walkInShare: z.number().min(0).max(1),
  bookingOpensDays: z.number().int().min(1).max(365),
  bookingClosesMinutes: z.number().int().min(0).max(10080),
  weekly: z.array(weeklySchema).max(21),
  services: z.array(ruleSchema).max(BOOKABLE_KEYS.length).default([]),
});

export const CalendarQuerySchema = z.object({ from: isoDate.optional(), to: isoDate.optional(), room: roomCodeSchema.optional() });
export const CalendarEntrySchema = z.object({
  /** A room code, or '*' / absent for the national calendar. */
  room: roomCodeSchema.nullable().optional(),
  date: isoDate,
  kind: z.enum(['holiday', 'workday', 'closure']),
  name: humanText(60).nullable().optional(),
  followsWeekday: z.number().int().min(1).max(7).nullable().optional(),
  startTime: HHMM.nullable().optional(),
  endTime: HHMM.nullable().optional(),
});
