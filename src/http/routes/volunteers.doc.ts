import { z } from 'zod';
import type { RouteDocs } from '../openapi';
import { DisputeAssignSchema, MediatorNoteSchema, VolunteerCreateSchema, VolunteerListSchema, VolunteerTipSchema, VolunteerUpdateSchema } from './volunteers';

const id = z.object({ id: z.string().meta({ description: '志愿者编号（24 位十六进制）' }) });
const code = z.object({ code: z.string().meta({ description: '纠纷事项编号（S…）', example: 'S7K2M9QD' }) });
const iso = z.string().meta({ description: 'ISO 8601' });

const Volunteer = z
  .object({ id: z.string(), username: z.string(), name: z.string(), room: z.string(), team: z.string(), teamLabel: z.string(), active: z.boolean() })
  .meta({ id: 'Volunteer', description: '警务志愿者（四支队伍之一）' });
const VolunteerListed = Volunteer.extend({ phoneMasked: z.string().nullable().meta({ description: '手机号（脱敏，139****0061）' }), mustChangePassword: z.boolean() }).meta({ id: 'VolunteerListed' });
const DisputeBrief = z.looseObject({ code: z.string(), summary: z.string(), status: z.string(), statusText: z.string(), createdAt: iso });

export const volunteerDocs: RouteDocs = {
  tag: {
    name: '四支队伍（Volunteers）',
    description:
      '信息员、专管员、调解员、安全员：绑定一个警务室的志愿者账号，最小权限。志愿者登录后只能用 /api/volunteer/… 接口，其他民警接口一律 403 volunteer_forbidden；每次查看都记入工作日志（审计）；看不到举报人身份，也看不到其他警务室的工作。',
  },
  routes: {
    'POST /api/volunteers': {
      summary: '新增志愿者账号（Create a volunteer account）',
      description: '仅管理员。不给 password 时生成一次性临时密码（首次登录须修改）。',
      access: ['admin'],
      body: VolunteerCreateSchema,
      status: 201,
      response: z.object({ volunteer: VolunteerListed, temporaryPassword: z.string().nullable() }),
      errors: [409],
    },
    'GET /api/volunteers': {
      summary: '志愿者名单（Volunteers of the rooms one may see）',
      description: '管理员全部；督导本辖区；民警本室。手机号脱敏。',
      access: 'officer',
      query: VolunteerListSchema,
      response: z.object({ volunteers: z.array(VolunteerListed) }),
    },
    'PATCH /api/volunteers/:id': {
      summary: '修改、停用或启用志愿者（Edit, deactivate or reactivate a volunteer）',
      description:
        '仅管理员。可改姓名、队伍、警务室、手机号；active=false 停用：立即结束其所有登录会话，之后不能登录，交给他的纠纷也不再可见；active=true 重新启用。每次修改记入操作日志（不记号码）。',
      access: ['admin'],
      params: id,
      body: VolunteerUpdateSchema,
      response: z.object({ volunteer: VolunteerListed }),
      errors: [404],
    },
    'POST /api/volunteers/:id/reset-password': {
      summary: '重置志愿者登录密码（Reset a volunteer’s sign-in）',
      description: '仅管理员。生成一次性临时密码（只返回这一次，首次登录须修改），结束其所有登录会话并解除登录限制。',
      access: ['admin'],
      params: id,
      response: z.object({ volunteer: VolunteerListed, temporaryPassword: z.string() }),
      errors: [404],
    },
    'GET /api/volunteers/:id/phone': {
      summary: '查看志愿者完整手机号（An admin looks up the full number）',
      description: '仅管理员，每次查看记入操作日志。',
      access: ['admin'],
      params: id,
      response: z.object({ phone: z.string().nullable() }),
      errors: [404],
    },
    'POST /api/volunteers/:id/disputes': {
      summary: '把一起纠纷交给调解员（Give a dispute to a 调解员）',
      description: '本室民警或管理员。只能是本室“矛盾纠纷”类事项，只能交给本室调解员；重复提交返回 200。',
      access: ['officer', 'admin'],
      params: id,
      body: DisputeAssignSchema,
      status: 201,
      response: z.object({ volunteer: Volunteer, itemCode: z.string(), assigned: z.boolean() }),
    },
    'GET /api/volunteer/me': {
      summary: '志愿者本人（The signed-in volunteer）',
      access: ['volunteer'],
      response: z.object({ volunteer: Volunteer.extend({ roomName: z.string() }) }),
    },
    'POST /api/volunteer/tips': {
      summary: '信息员提交实名线索（A 信息员 submits a named tip）',
      description: '仅信息员。进入本室收件箱，标注“信息员”。',
      access: ['volunteer'],
      body: VolunteerTipSchema,
      status: 201,
      response: z.object({ code: z.string() }),
    },
    'GET /api/volunteer/tips': {
      summary: '我提交的线索（The 信息员’s own tips）',
      access: ['volunteer'],
      response: z.object({ tips: z.array(z.looseObject({ code: z.string(), status: z.string(), statusText: z.string(), createdAt: iso, summary: z.string() })) }),
    },
    'GET /api/volunteer/disputes': {
      summary: '交给我的纠纷（Disputes given to this 调解员）',
      access: ['volunteer'],
      response: z.object({ disputes: z.array(DisputeBrief) }),
    },
    'GET /api/volunteer/disputes/:code': {
      summary: '查看交给我的一起纠纷（One dispute given to this 调解员）',
      description: '只含群众留言、民警回复和调解员本人的记录；不含联系方式，号码已脱敏。每次查看记入审计。',
      access: ['volunteer'],
      params: code,
      response: z.object({ dispute: DisputeBrief.extend({ thread: z.array(z.object({ from: z.string(), text: z.string(), at: iso })) }) }),
    },
    'POST /api/volunteer/disputes/:code/notes': {
      summary: '调解员添加记录（A 调解员 adds a note）',
      access: ['volunteer'],
      params: code,
      body: MediatorNoteSchema,
      status: 201,
      response: z.object({ code: z.string() }),
    },
    'GET /api/volunteer/notices': {
      summary: '通知：本室警情通报和防范提示（The room’s notices delivered to this 安全员 or 专管员）',
      description: '每条通知对每名安全员、专管员只送达一次（有手机号且短信已开通时同时发短信）；号码已脱敏。',
      access: ['volunteer'],
      response: z.object({ notices: z.array(z.object({ kind: z.string(), kindLabel: z.string(), title: z.string(), text: z.string(), urgent: z.boolean(), sentAt: iso })) }),
    },
  },
};
