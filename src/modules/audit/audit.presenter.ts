import { AUDIT_ACTION_LABELS } from './audit.service';
import type { AuditEntry } from './audit.model';

const ACTOR_LABELS: Record<string, string> = { tipster: '举报人', resident: '群众', system: '系统' };

export function presentAuditEntry(entry: AuditEntry) {
  return {
    id: String(entry._id),
    at: entry.at,
    actor:
      entry.actorKind === 'officer'
        ? { kind: 'officer', id: entry.officer ? String(entry.officer) : null, name: entry.officerName, username: entry.officerUsername }
        : { kind: entry.actorKind, name: ACTOR_LABELS[entry.actorKind] ?? entry.actorKind },
    action: entry.action,
    actionLabel: AUDIT_ACTION_LABELS[entry.action] ?? entry.action,
    item: entry.item ? String(entry.item) : null,
    itemCode: entry.itemCode,
    itemCodes: entry.itemCodes,
    room: entry.room,
    detail: entry.detail,
  };
}
