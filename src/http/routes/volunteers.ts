import Router from '@koa/router';
import { z } from 'zod';
import type { AppContext, AppDeps, AppState } from '../types';
import { notFound } from '../../lib/errors';
import { humanText, parseInput, roomCodeSchema } from '../validate';
import { assertRoomAccess, currentOfficer, requireOfficer, requireVolunteer } from '../middleware/auth';
import { accessibleRoomCodes, officerSessions } from '../../modules/auth';
import {
  addMediatorNote,
  assignDispute,
  createVolunteer,
  disputeForMediator,
  findVolunteer,
  listVolunteers,
  mediatorDisputes,
  ownTips,
  resetVolunteerSignIn,
  roomNotices,
  submitVolunteerTip,
  updateVolunteer,
  volunteerHome,
  volunteerOf,
  volunteerPhone,
  VOLUNTEER_TEAMS,
} from '../../modules/volunteers';
import { NewPasswordSchema } from './auth.schema';

const PhoneSchema = z.string().trim().regex(/^1[3-9]\d{9}$/, '手机号格式不正确（11 位手机号）');
export const VolunteerCreateSchema = z.object({
  username: z.string().trim().regex(/^[A-Za-z0-9_.-]{3,32}$/, '用户名为 3–32 位字母、数字或 _ . -'),
  name: humanText(40),
  phone: PhoneSchema.optional(),
  room: roomCodeSchema,
  team: z.enum(VOLUNTEER_TEAMS).meta({ description: 'informant 信息员 · specialist 专管员 · mediator 调解员 · safety 安全员' }),
  password: NewPasswordSchema.optional(),
});
export const VolunteerUpdateSchema = z
  .strictObject(
    {
      name: humanText(40),
      team: z.enum(VOLUNTEER_TEAMS).meta({ description: 'informant 信息员 · specialist 专管员 · mediator 调解员 · safety 安全员' }),
      room: roomCodeSchema,
      phone: z.union([PhoneSchema, z.literal(''), z.null()], { error: '手机号格式不正确（11 位手机号，或留空删除）' }).meta({ description: '11 位手机号；空字符串或 null 删除号码' }),
      active: z.boolean().meta({ description: 'false 停用（立即退出登录、不能再登录）；true 重新启用' }),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `不支持修改的字段：${issue.keys.join('、')}` : undefined) },
  )
  .partial()
  .refine((v) => Object.keys(v).length > 0, '没有要修改的内容');
export const VolunteerListSchema = z.object({ room: roomCodeSchema.optional() });
export const VolunteerIdSchema = z.string().regex(/^[0-9a-f]{24}$/, '编号格式不正确');
export const DisputeAssignSchema = z.object({ item: z.string().trim().toUpperCase().regex(/^S[0-9A-Z]{7}$/, '事项编号为 S 开头的 8 位字符').meta({ description: '纠纷事项编号（S…）' }) });
export const ItemCodeSchema = z.string().trim().toUpperCase().regex(/^S[0-9A-Z]{7}$/, '事项编号为 S 开头的 8 位字符');
export const VolunteerTipSchema = z.object({ text: humanText(2000) });
export const MediatorNoteSchema = z.object({ text: humanText(1000) });

const signedIn = (ctx: AppContext) => {
  const me = currentOfficer(ctx.state);
  return { id: me.id, name: me.name, username: me.username };
};

/**
 * The four volunteer teams.
 *  Admins and the room's officers: /api/volunteers (create: admins; list; give a dispute to a 调解员).
 *  The volunteer itself: /api/volunteer/… (only these routes take a volunteer's session; every
 *  officer route answers it 403). Every volunteer view is audited in the module.
 */
export function volunteersRouters(deps: AppDeps): Router<AppState>[] {
  const now = deps.now ?? (() => new Date());

  const admin = new Router<AppState>({ prefix: '/api/volunteers' });
  admin.post('/', requireOfficer(['admin']), async (ctx) => {
    const body = parseInput(VolunteerCreateSchema, ctx.request.body ?? {});
    ctx.status = 201;
    ctx.body = await createVolunteer({ ...body, by: signedIn(ctx), now: now() });
  });
  admin.get('/', requireOfficer(), async (ctx) => {
    const { room } = parseInput(VolunteerListSchema, ctx.query);
    if (room) await assertRoomAccess(ctx, room);
    ctx.body = { volunteers: await listVolunteers(await accessibleRoomCodes(currentOfficer(ctx.state)), room) };
  });
  // Managing a volunteer: admins only (supervisors and officers read the list of their rooms).
  const loaded = async (ctx: AppContext) => {
    const id = parseInput(VolunteerIdSchema, ctx.params.id);
    const volunteer = await findVolunteer(id);
    if (!volunteer) throw notFound('未找到该志愿者（Volunteer not found）', 'volunteer_not_found');
    await assertRoomAccess(ctx, volunteer.room);
    return id;
  };
  admin.patch('/:id', requireOfficer(['admin']), async (ctx) => {
    const id = await loaded(ctx);
    const changes = parseInput(VolunteerUpdateSchema, ctx.request.body ?? {});
    ctx.body = { volunteer: await updateVolunteer({ id, changes, by: signedIn(ctx), sessions: officerSessions, now: now() }) };
  });
  admin.post('/:id/reset-password', requireOfficer(['admin']), async (ctx) => {
    const id = await loaded(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await resetVolunteerSignIn({ id, by: signedIn(ctx), sessions: officerSessions, now: now() });
  });
  admin.get('/:id/phone', requireOfficer(['admin']), async (ctx) => {
    const id = await loaded(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await volunteerPhone(id, signedIn(ctx));
  });
  admin.post('/:id/disputes', requireOfficer(['officer', 'admin']), async (ctx) => {
    const id = parseInput(VolunteerIdSchema, ctx.params.id);
    const volunteer = await findVolunteer(id);
    if (!volunteer) throw notFound('未找到该志愿者（Volunteer not found）', 'volunteer_not_found');
    await assertRoomAccess(ctx, volunteer.room);
    const { item } = parseInput(DisputeAssignSchema, ctx.request.body ?? {});
    const result = await assignDispute({ volunteerId: id, itemCode: item, by: signedIn(ctx) });
    ctx.status = result.assigned ? 201 : 200;
    ctx.body = result;
  });

  const own = new Router<AppState>({ prefix: '/api/volunteer' });
  const me = async (ctx: AppContext) => volunteerOf(signedIn(ctx));
  const volunteerOnly = requireVolunteer();
  own.get('/me', volunteerOnly, async (ctx) => {
    ctx.body = { volunteer: await volunteerHome(await me(ctx), now()) };
  });
  own.post('/tips', volunteerOnly, async (ctx) => {
    const v = await me(ctx);
    const { text } = parseInput(VolunteerTipSchema, ctx.request.body ?? {});
    ctx.status = 201;
    ctx.body = await submitVolunteerTip(v, text, now());
  });
  own.get('/tips', volunteerOnly, async (ctx) => {
    ctx.body = { tips: await ownTips(await me(ctx), now()) };
  });
  own.get('/disputes', volunteerOnly, async (ctx) => {
    ctx.body = { disputes: await mediatorDisputes(await me(ctx), now()) };
  });
  own.get('/disputes/:code', volunteerOnly, async (ctx) => {
    const v = await me(ctx);
    ctx.body = { dispute: await disputeForMediator(v, parseInput(ItemCodeSchema, ctx.params.code), now()) };
  });
  own.post('/disputes/:code/notes', volunteerOnly, async (ctx) => {
    const v = await me(ctx);
    const code = parseInput(ItemCodeSchema, ctx.params.code);
    const { text } = parseInput(MediatorNoteSchema, ctx.request.body ?? {});
    ctx.status = 201;
    ctx.body = await addMediatorNote(v, code, text, now());
  });
  own.get('/notices', volunteerOnly, async (ctx) => {
    ctx.body = { notices: await roomNotices(await me(ctx), now()) };
  });

  return [admin, own];
}
