/** The audit trail: who did what to which item, room or setting. */
export { presentAuditEntry } from './audit.presenter';
export { AUDIT_ACTION_LABELS, type AuditActor, countAuditEntries, listAudit, recordAudit } from './audit.service';
