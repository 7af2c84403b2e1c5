import type { Types } from 'mongoose';
import { AuditModel, type AuditEntry } from './audit.model';

/** Who did something: an officer (from the session) or a non-officer actor. */
export type AuditActor =
  | { kind: 'officer'; id: string; name: string; username: string }
  /** A volunteer of the four teams (signs in with its own account): every view it makes is logged. */
  | { kind: 'volunteer'; id: string; name: string; username: string }
  | { kind: 'tipster' | 'resident' | 'system' };

export const AUDIT_ACTION_LABELS: Record<string, string> = {
  'item.create': '新建事项',
  'item.claim': '领取',
  'item.takeover': '接管（租约已过期）',
  'item.release': '退回队列',
  'item.transfer': '转交',
  'item.reply': '回复群众',
  'item.note': '内部备注',
  'item.resolve': '办结',
  'item.reopen': '重新打开',
  'item.labels': '修改标签',
  'item.resident_message': '群众追加消息',
  'tip.create': '提交线索',
  'tip.view': '查看线索',
  'tip.list': '列表中查看线索',
  'tip.tipster_view': '举报人查询进度',
  'volunteer.create': '新增志愿者账号',
  'volunteer.update': '修改志愿者账号',
  'volunteer.deactivate': '停用志愿者账号',
  'volunteer.activate': '启用志愿者账号',
  'volunteer.reset_password': '重置志愿者密码',
  'volunteer.phone_view': '查看志愿者手机号',
  'volunteer.assign_dispute': '交给调解员一起纠纷',
  'volunteer.tip': '信息员提交线索',
  'volunteer.view': '志愿者查看',
  'volunteer.dispute_view': '调解员查看纠纷',
  'volunteer.dispute_note': '调解员添加记录',
  'attachment.upload': '上传图片',
  'attachment.view': '查看图片',
  'access.denied': '越权访问被拒绝',
  'officer.create': '新增民警账号',
  'officer.update': '修改民警账号',
  'room.create': '新增警务室',
  'room.update': '修改警务室',
  'room.officers': '调整警务室民警',
  'room.schedule': '修改预约规则',
  'room.talk_day': '修改恳谈日',
  'calendar.put': '设置休息日/调休日',
  'appointment.cancel_closed_day': '闭室取消预约并短信通知',
  'calendar.delete': '删除休息日/调休日',
  'officer.reset_password': '重置民警密码',
  'officer.unlock': '解除登录限制',
  'officer.deactivate': '停用民警账号',
  'officer.activate': '启用民警账号',
  'account.password': '修改本人密码',
  'account.session_end': '退出登录会话',
  'faq.create': '新增问答',
  'faq.update': '修改问答',
  'faq.delete': '删除问答',
  'group.unbind': '解除群绑定',
  'group.bind_code': '生成群绑定码',
  'audit.export': '导出操作日志',
  'worklog.create': '记录外勤工作日志',
  'worklog.targets': '设置工作日志月度目标',
  'classroom.ask': '网上课堂提问',
  'classroom.answer': '网上课堂解答',
  'classroom.faq_propose': '提议将课堂解答加入群众问答',
  'classroom.faq_approve': '审核通过：课堂解答加入群众问答',
  'classroom.faq_reject': '审核不通过：课堂解答不加入群众问答',
};

export interface AuditProps {
  actor: AuditActor;
  action: string;
  item?: { _id: Types.ObjectId | string; code?: string; room?: string } | null;
  itemCodes?: string[];
  room?: string | null;
  detail?: string | null;
  at?: Date;
}

function toDoc(props: AuditProps): Record<string, unknown> {
  const officer = props.actor.kind === 'officer' || props.actor.kind === 'volunteer' ? props.actor : null;
  return {
    at: props.at ?? new Date(),
    officer: officer?.id ?? null,
    officerName: officer?.name ?? null,
    officerUsername: officer?.username ?? null,
    actorKind: props.actor.kind,
    action: props.action,
    item: props.item?._id ?? null,
    itemCode: props.item?.code ?? null,
    itemCodes: props.itemCodes ?? [],
    room: props.room ?? props.item?.room ?? null,
    detail: props.detail ? props.detail.slice(0, 300) : null,
  };
}

/** Appends one entry to the 操作日志 (audit log). */
export async function recordAudit(props: AuditProps): Promise<void> {
  await AuditModel.create(toDoc(props));
}

export interface AuditQuery {
  rooms: string[] | 'all';
  room?: string;
  item?: string;
  /** An item or tip code (a tip may appear only in a list view's codes). */
  itemCode?: string;
  officer?: string;
  action?: string;
  from?: Date;
  to?: Date;
  limit: number;
  before?: Date;
}

export async function listAudit(q: AuditQuery): Promise<AuditEntry[]> {
  const filter: Record<string, unknown> = {};
  if (q.room) filter.room = q.room;
  else if (q.rooms !== 'all') filter.room = { $in: q.rooms };
  if (q.item) filter.item = q.item;
  if (q.itemCode) filter.$or = [{ itemCode: q.itemCode }, { itemCodes: q.itemCode }];
  if (q.officer) filter.officer = q.officer;
  if (q.action) filter.action = q.action;
  const at: Record<string, Date> = {};
  if (q.from) at.$gte = q.from;
  if (q.to) at.$lt = q.to;
  if (q.before) at.$lt = q.to && q.to < q.before ? q.to : q.before;
  if (Object.keys(at).length) filter.at = at;
  return AuditModel.find(filter).sort({ at: -1, _id: -1 }).limit(q.limit).lean<AuditEntry[]>();
}

/** How many audit entries record one of these actions. */
export async function countAuditEntries(actions: readonly string[]): Promise<number> {
  return AuditModel.countDocuments({ action: { $in: [...actions] } });
}
