import Router from '@koa/router';
import { z } from 'zod';
import { parseInput, roomCodeSchema } from '../validate';
import type { AppState } from '../types';
import { accessibleRoomCodes } from '../../modules/auth';
import { assertRoomAccess, currentOfficer, requireOfficer } from '../middleware/auth';
import { DateTime } from 'luxon';
import { toCsv } from '../../modules/reports';
import { AUDIT_ACTION_LABELS, listAudit, presentAuditEntry, recordAudit } from '../../modules/audit';

const objectId = z.string().regex(/^[0-9a-f]{24}$/i, '编号格式不正确');

export const AuditQuerySchema = z.object({
  room: roomCodeSchema.optional(),
  item: objectId.optional(),
  /** An item or tip code, e.g. J7K2M9QA. */
  tip: z.string().trim().toUpperCase().regex(/^[YJS][2-9A-HJKMNP-Z]{7}$/, '事项编号格式不正确').optional(),
  officer: objectId.optional(),
  action: z.string().trim().regex(/^[a-z_.]{2,40}$/).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  before: z.coerce.date().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const AuditExportSchema = AuditQuerySchema.extend({ limit: z.coerce.number().int().min(1).max(20000).default(5000) });

/** GET /api/audit — the 操作日志 (audit log), for supervisors (their district) and admins. */
export function auditRouter(zone = 'Asia/Shanghai', options: { now?: () => Date } = {}): Router<AppState> {
  const clock = options.now ?? (() => new Date());
  const router = new Router<AppState>({ prefix: '/api/audit' });

  router.get('/', requireOfficer(['supervisor', 'admin']), async (ctx) => {
    const query = parseInput(AuditQuerySchema, ctx.query);
    const officer = currentOfficer(ctx.state);
    if (query.room) await assertRoomAccess(ctx, query.room);
    const entries = await listAudit({ ...query, itemCode: query.tip, rooms: await accessibleRoomCodes(officer) });
    ctx.body = { entries: entries.map(presentAuditEntry), labels: AUDIT_ACTION_LABELS };
  });

  // The same entries as a spreadsheet (UTF-8 with BOM for Excel), times in the app's zone; the export itself is logged.
  router.get('/export.csv', requireOfficer(['supervisor', 'admin']), async (ctx) => {
    const query = parseInput(AuditExportSchema, ctx.query);
    const officer = currentOfficer(ctx.state);
    if (query.room) await assertRoomAccess(ctx, query.room);
    const entries = (await listAudit({ ...query, itemCode: query.tip, rooms: await accessibleRoomCodes(officer) })).map(presentAuditEntry);
    const rows = entries.map((e) => [
      DateTime.fromJSDate(e.at).setZone(zone).toFormat('yyyy-MM-dd HH:mm:ss'),
      e.actor.name,
      e.actor.kind === 'officer' ? e.actor.username : '',
      e.actionLabel,
      e.itemCode ?? e.itemCodes.join(' '),
      e.room,
      e.detail,
    ]);
    await recordAudit({
      actor: { kind: 'officer', id: officer.id, name: officer.name, username: officer.username },
      action: 'audit.export',
      room: query.room ?? null,
      detail: `导出 ${entries.length} 条`,
    });
    ctx.set('Content-Type', 'text/csv; charset=utf-8');
    ctx.set('Content-Disposition', `attachment; filename="audit-${DateTime.fromJSDate(clock()).setZone(zone).toFormat('yyyyMMdd-HHmm')}.csv"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = toCsv(['时间（北京时间）', '操作人', '账号', '操作', '事项编号', '警务室', '说明'], rows);
  });

  return router;
}
