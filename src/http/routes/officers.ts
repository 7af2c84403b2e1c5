import { roomsByCodes } from '../../modules/rooms';
import Router from '@koa/router';
import { hash } from '@node-rs/argon2';
import { Types } from 'mongoose';
import { z } from 'zod';
import { badRequest, conflict, notFound } from '../../lib/errors';
import { parseInput, roomCodeSchema } from '../validate';
import type { AppState } from '../types';
import { insertUnique } from '../../storage/unique-insert';
import { accessibleRoomCodes, type SessionOfficer } from '../../modules/auth';
import { currentOfficer, requireOfficer } from '../middleware/auth';
import { SessionModel } from '../../modules/auth/session.model';
import { recordAudit } from '../../modules/audit/audit.service';
import { OFFICER_ROLES, OFFICER_ROLE_LABELS, OfficerModel, type Officer, type OfficerRole } from '../../modules/officers/officer.model';

const password = z.string().min(10, '密码至少 10 位').max(128).refine((p) => /[A-Za-z]/.test(p) && /\d/.test(p), '密码需同时包含字母和数字');
const rooms = z.array(roomCodeSchema).max(50);

const OfficerCreateSchema = z.object({
  username: z.string().trim().regex(/^[A-Za-z0-9_.-]{3,32}$/, '用户名为 3–32 位字母、数字或 _ . -'),
  name: z.string().trim().min(1).max(40),
  badge: z.string().trim().max(20).optional(),
  phone: z.string().trim().max(20).optional(),
  role: z.enum(OFFICER_ROLES).default('officer'),
  rooms: rooms.default([]),
  district: z.string().trim().max(32).optional(),
  wechatIds: z.array(z.string().trim().min(1).max(80)).max(20).default([]),
  password: password.optional(),
});

const OfficerUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(40),
    badge: z.string().trim().max(20),
    phone: z.string().trim().max(20),
    role: z.enum(OFFICER_ROLES),
    rooms,
    district: z.string().trim().max(32),
    wechatIds: z.array(z.string().trim().min(1).max(80)).max(20),
    active: z.boolean(),
    password,
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, '没有要修改的内容');

const OfficerListSchema = z.object({
  room: roomCodeSchema.optional(),
  role: z.enum(OFFICER_ROLES).optional(),
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

type OfficerWithHash = Officer & { _id: Types.ObjectId; passwordHash?: string; createdAt?: Date };

/** An officer as admins and supervisors see it: never the password hash, only whether one is set. */
export function presentOfficer(o: OfficerWithHash) {
  return {
    id: String(o._id),
    username: o.username,
    name: o.name,
    badge: o.badge ?? null,
    phone: o.phone ?? null,
    role: o.role,
    roleLabel: OFFICER_ROLE_LABELS[o.role as OfficerRole],
    rooms: o.rooms ?? [],
    district: o.district ?? null,
    wechatIds: o.wechatIds ?? [],
    active: o.active ?? true,
    hasPassword: Boolean(o.passwordHash),
  };
}

async function assertRoomsExist(codes: string[]): Promise<void> {
  if (!codes.length) return;
  const found = await roomsByCodes(codes, { fields: ['code'] });
  const missing = codes.filter((c) => !found.some((r) => r.code === c));
  if (missing.length) throw badRequest(`警务室不存在：${missing.join('、')}（Unknown room）`, { missing }, 'room_not_found');
}

const auditActor = (o: SessionOfficer) => ({ kind: 'officer' as const, id: o.id, name: o.name, username: o.username });

/**
 * Officer accounts: admins create and edit them (including setting a password, which
 * signs the officer out everywhere); supervisors may list their district's officers.
 */
export function officersRouter(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/officers' });

  router.get('/', requireOfficer(['supervisor', 'admin']), async (ctx) => {
    const query = parseInput(OfficerListSchema, ctx.query);
    const me = currentOfficer(ctx.state);
    const filter: Record<string, unknown> = {};
    if (query.role) filter.role = query.role;
    if (query.active !== undefined) filter.active = query.active;
    if (query.room) filter.rooms = query.room;
    if (me.role === 'supervisor') {
      const codes = await accessibleRoomCodes(me);
      const scope = [{ rooms: { $in: codes === 'all' ? [] : codes } }, { district: me.district }];
      filter.$or = scope;
    }
    const officers = await OfficerModel.find(filter).select('+passwordHash').sort({ role: 1, username: 1 }).limit(1000).lean<OfficerWithHash[]>();
    ctx.body = { officers: officers.map(presentOfficer) };
  });

  router.post('/', requireOfficer(['admin']), async (ctx) => {
    const input = parseInput(OfficerCreateSchema, ctx.request.body);
    await assertRoomsExist(input.rooms);
    const { password: plain, ...fields } = input;
    const outcome = await insertUnique<OfficerWithHash>(OfficerModel, { ...fields, ...(plain ? { passwordHash: await hash(plain) } : {}) });
    if (!outcome.won) throw conflict('用户名已存在（Username already taken）', 'username_taken');
    const me = currentOfficer(ctx.state);
    await recordAudit({ actor: auditActor(me), action: 'officer.create', detail: `${input.username}（${OFFICER_ROLE_LABELS[input.role]}）` });
    ctx.status = 201;
    ctx.body = { officer: presentOfficer(outcome.doc) };
  });

  router.put('/:id', requireOfficer(['admin']), async (ctx) => {
    const input = parseInput(OfficerUpdateSchema, ctx.request.body);
    const id = String(ctx.params.id);
    if (!Types.ObjectId.isValid(id)) throw notFound('未找到该民警（Officer not found）', 'officer_not_found');
    const me = currentOfficer(ctx.state);
    if (id === me.id && (input.active === false || (input.role && input.role !== 'admin'))) {
      throw badRequest('不能停用自己的账号或取消自己的管理员权限（You cannot lock yourself out）', undefined, 'self_lockout');
    }
    if (input.rooms) await assertRoomsExist(input.rooms);
    const { password: plain, ...fields } = input;
    const set: Record<string, unknown> = { ...fields };
    if (plain) set.passwordHash = await hash(plain);
    const updated = await OfficerModel.findOneAndUpdate({ _id: id }, { $set: set }, { returnDocument: 'after' }).select('+passwordHash').lean<OfficerWithHash>();
    if (!updated) throw notFound('未找到该民警（Officer not found）', 'officer_not_found');
    // A new password or a deactivated account ends every open session of that officer.
    if (plain || input.active === false) await SessionModel.deleteMany({ officer: updated._id });
    const changed = Object.keys(fields).concat(plain ? ['password'] : []);
    await recordAudit({ actor: auditActor(me), action: 'officer.update', detail: `${updated.username}：${changed.join('、')}` });
    ctx.body = { officer: presentOfficer(updated) };
  });

  return router;
}
