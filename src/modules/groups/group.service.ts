import { roomByCode } from '../rooms';
import { randomInt } from 'node:crypto';
import { CODE_ALPHABET } from '../../lib/codes';
import { insertUnique, isDuplicateKeyError } from '../../storage/unique-insert';
import { activeOfficerByWechatId, canAccessRoom, isActiveOfficerWechatId } from '../officers';
import { BindCodeModel, BindCodeUseModel, GroupBindingModel, type BindCode, type GroupBinding } from './group.model';

/** "绑定 HPL", "绑定HPL 7K2M9QAB", "解除绑定". */
const BIND = /^(?:绑定|绑定警务室)\s*([A-Za-z0-9]{2,16})(?:\s+([A-Za-z0-9]{6,12}))?$/;
const UNBIND = /^(?:解除绑定|解绑)$/;

export function parseBindCommand(text: string): { action: 'bind'; room: string; code: string | null } | { action: 'unbind' } | null {
  const t = text.trim();
  if (UNBIND.test(t)) return { action: 'unbind' };
  const m = BIND.exec(t);
  return m ? { action: 'bind', room: m[1].toUpperCase(), code: m[2]?.toUpperCase() ?? null } : null;
}

export async function findGroupBinding(groupId: string): Promise<GroupBinding | null> {
  return GroupBindingModel.findOne({ groupId }).lean<GroupBinding>();
}

export async function listGroupBindings(filter: Record<string, unknown> = {}): Promise<GroupBinding[]> {
  return GroupBindingModel.find(filter).sort({ room: 1, boundAt: 1 }).lean<GroupBinding[]>();
}

/** Bindings of groups to these rooms ('all': every room); by room and topic when asked, else as stored. */
export async function groupBindingsOfRooms(rooms: readonly string[] | 'all', options: { byTopic?: boolean } = {}): Promise<GroupBinding[]> {
  const query = GroupBindingModel.find(rooms === 'all' ? {} : { room: { $in: [...rooms] } });
  if (options.byTopic) query.sort({ room: 1, topic: 1 });
  return query.lean<GroupBinding[]>();
}

/** Bindings of these WeChat groups. */
export async function groupBindingsByIds(groupIds: readonly string[]): Promise<GroupBinding[]> {
  return GroupBindingModel.find({ groupId: { $in: [...groupIds] } }).lean<GroupBinding[]>();
}

export async function countGroupBindings(): Promise<number> {
  return GroupBindingModel.countDocuments({});
}

/** Removes a group's binding (the bot stops answering there until it is bound again). */
export async function unbindGroup(groupId: string): Promise<boolean> {
  const res = await GroupBindingModel.deleteOne({ groupId });
  return (res.deletedCount ?? 0) > 0;
}

export async function createBindCode(props: { room: string; createdBy: string | null; now: Date; ttlMinutes: number }): Promise<BindCode> {
  for (;;) {
    let code = '';
    for (let i = 0; i < 8; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    const outcome = await insertUnique<BindCode>(BindCodeModel, {
      code,
      room: props.room,
      createdBy: props.createdBy,
      expiresAt: new Date(props.now.getTime() + props.ttlMinutes * 60_000),
    });
    if (outcome.won) return outcome.doc;
  }
}

export interface BindCommandInput {
  groupId: string;
  topic?: string;
  senderId: string;
  account?: string | null;
  text: string;
  now: Date;
}

/** Runs a bind/unbind command typed in a group; null when the text is not one. The reply is safe to post in the group. */
/** True when the WeChat id is on an active officer's account (their binding commands skip the group's command limit). */
export async function isOfficerWechatId(wechatId: string): Promise<boolean> {
  return isActiveOfficerWechatId(wechatId);
}

export async function handleBindCommand(input: BindCommandInput): Promise<{ reply: string; bound: string | null } | null> {
  const cmd = parseBindCommand(input.text);
  if (!cmd) return null;
  const officer = await activeOfficerByWechatId(input.senderId);
  const officerScope = officer ? { role: officer.role, rooms: officer.rooms, district: officer.district ?? null } : null;

  if (cmd.action === 'unbind') {
    const current = await findGroupBinding(input.groupId);
    if (!current) return { reply: '本群尚未绑定警务室。', bound: null };
    if (!officer || !(await canAccessRoom({ role: officer.role, rooms: officer.rooms, district: officer.district ?? null }, current.room))) {
      return { reply: '只有该警务室的民警可以解除绑定。', bound: current.room };
    }
    await GroupBindingModel.deleteOne({ groupId: input.groupId });
    return { reply: '已解除本群与警务室的绑定，机器人将不再在本群回复。', bound: null };
  }

  const room = await roomByCode(cmd.room, { activeOnly: true });
  if (!room) return { reply: `没有找到警务室 ${cmd.room}，请核对编号。`, bound: null };

  // Rebinding a group from room A to room B takes someone who may act for both rooms: an
  // officer with access to A and B. A one-time code (issued for B) never takes a group from A.
  const current = await findGroupBinding(input.groupId);
  if (current && current.room !== room.code && !(officerScope && (await canAccessRoom(officerScope, current.room)))) {
    return { reply: '本群已绑定其他警务室，需由该警务室的民警改绑或先解除绑定。', bound: current.room };
  }

  let via: 'officer' | 'code' | null = null;
  if (officerScope && (await canAccessRoom(officerScope, room.code))) via = 'officer';
  else if (cmd.code) {
    const bindCode = await BindCodeModel.findOne({ code: cmd.code, room: room.code }).lean<BindCode>();
    if (bindCode && bindCode.expiresAt > input.now) {
      const use = await insertUnique(BindCodeUseModel, { code: cmd.code, groupId: input.groupId, usedAt: input.now });
      if (use.won) via = 'code';
    }
    if (!via) return { reply: '绑定码无效、已使用或已过期，请向管理员重新获取。', bound: null };
  }
  if (!via) return { reply: '只有登记了微信号的本警务室民警，或持有管理员发放的绑定码，才能绑定本群。', bound: null };

  const doc = {
    groupId: input.groupId,
    room: room.code,
    topic: (input.topic ?? '').slice(0, 120),
    account: input.account ?? null,
    boundVia: via,
    boundByOfficer: via === 'officer' ? officer!._id : null,
    boundAt: input.now,
  };
  try {
    await GroupBindingModel.create(doc);
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    await GroupBindingModel.updateOne({ groupId: input.groupId }, { $set: doc });
  }
  return { reply: `本群已绑定${room.name}。群里@我即可咨询办事、查询进度；紧急情况请直接拨打110。`, bound: room.code };
}
