import { z } from 'zod';
import { roomCodeSchema } from '../validate';
import { OFFICER_ROLES } from '../../modules/officers';
import { NewPasswordSchema } from './auth.schema';

const rooms = z.array(roomCodeSchema).max(50);
const wechatIds = z.array(z.string().trim().min(1).max(80)).max(20);
const optionalText = (max: number) => z.string().trim().max(max);

export const OfficerCreateSchema = z.object({
  username: z.string().trim().regex(/^[A-Za-z0-9_.-]{3,32}$/, '用户名为 3–32 位字母、数字或 _ . -'),
  name: z.string().trim().min(1, '请填写姓名').max(40),
  badge: optionalText(20).optional(),
  phone: optionalText(20).optional(),
  role: z.enum(OFFICER_ROLES).default('officer'),
  rooms: rooms.default([]),
  district: optionalText(32).optional(),
  wechatIds: wechatIds.default([]),
  wecomUserId: optionalText(64).optional(),
  /** Without one, a temporary password is generated, shown once, and must be changed at first sign-in. */
  password: NewPasswordSchema.optional(),
});
export type OfficerCreateReq = z.infer<typeof OfficerCreateSchema>;

export const OfficerUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(40),
    badge: optionalText(20),
    phone: optionalText(20),
    role: z.enum(OFFICER_ROLES),
    rooms,
    district: optionalText(32),
    wechatIds,
    wecomUserId: optionalText(64),
    active: z.boolean(),
    password: NewPasswordSchema,
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, '没有要修改的内容');
export type OfficerUpdateReq = z.infer<typeof OfficerUpdateSchema>;

export const OfficerListSchema = z.object({
  q: z.string().trim().max(40).optional(),
  room: roomCodeSchema.optional(),
  role: z.enum(OFFICER_ROLES).optional(),
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
export type OfficerListReq = z.infer<typeof OfficerListSchema>;
