import type { BindCode, GroupBinding } from './group.model';

export function presentBinding(b: GroupBinding) {
  return { groupId: b.groupId, room: b.room, topic: b.topic, boundVia: b.boundVia, boundAt: b.boundAt.toISOString() };
}

export function presentBindCode(c: BindCode) {
  return { code: c.code, room: c.room, expiresAt: c.expiresAt.toISOString(), command: `绑定 ${c.room} ${c.code}` };
}
