import Router from '@koa/router';
import type { Config } from '../../config';
import { notFound } from '../../lib/errors';
import type { AppState } from '../types';
import { assertRoomAccess, currentOfficer, requireOfficer } from '../middleware/auth';
import { recordAudit } from '../../modules/audit';
import { itemById } from '../../modules/items';
import { findAttachment, readAttachment } from '../../modules/attachments';

/** GET /api/attachments/:id — only for officers who may see the item's room; every view is audited. */
export function attachmentsRouter(config: Config): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/attachments' });

  router.get('/:id', requireOfficer(), async (ctx) => {
    const id = ctx.params.id;
    const attachment = await findAttachment(id);
    if (!attachment) throw notFound('未找到该图片（Attachment not found）');
    const officer = currentOfficer(ctx.state);
    const actor = { kind: 'officer' as const, id: officer.id, name: officer.name, username: officer.username };
    if (attachment.workLog) {
      // A photo of a work-log entry: the entry's room decides (entries never move between rooms).
      await assertRoomAccess(ctx, attachment.room, { hideAs404: true });
      const body = await readAttachment(config.DATA_DIR, attachment);
      await recordAudit({ actor, action: 'attachment.view', room: attachment.room, detail: `工作日志图片 ${id}` });
      ctx.body = body;
    } else {
      if (!attachment.item) throw notFound('未找到该图片（Attachment not found）');
      const item = await itemById(attachment.item, { fields: ['code', 'room', 'kind'] });
      if (!item) throw notFound('未找到该图片（Attachment not found）');
      // The item's room, not the attachment's copy of it: a transferred item follows its room.
      await assertRoomAccess(ctx, item.room, { hideAs404: true });
      const body = await readAttachment(config.DATA_DIR, attachment);
      await recordAudit({ actor, action: 'attachment.view', item, detail: `图片 ${id}` });
      ctx.body = body;
    }
    ctx.set('Content-Type', attachment.mime);
    ctx.set('Cache-Control', 'private, no-store');
    // A voice recording (AMR: browsers cannot play it) downloads with a name a player recognises.
    ctx.set('Content-Disposition', attachment.mime === 'audio/amr' ? `attachment; filename="voice-${id}.amr"` : 'inline');
    ctx.set('X-Content-Type-Options', 'nosniff');
  });

  return router;
}
