/** The audit trail: who did what to which item, room or setting. */
export { recordAudit } from './audit.service';
