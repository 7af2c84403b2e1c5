import Router from '@koa/router';
import type { Config } from '../../config';
import { notFound } from '../../lib/errors';
import type { AppState } from '../types';
import { assertRoomAccess, currentOfficer, requireOfficer } from '../middleware/auth';
import { recordAudit } from '../../modules/audit';
import { itemById } from '../../modules/items';
import { type Attachment, findAttachment, amrToWav, readAttachment } from '../../modules/attachments';
import type { Context } from 'koa';

/**
 * GET /api/attachments/:id — only for officers who may see the item's room; every view is audited.
 * GET /api/attachments/:id/playable — a voice recording (AMR) as WAV, for the inbox's <audio> player.
 */
export function attachmentsRouter(config: Config): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/attachments' });

  /** The attachment, once the officer is known to be allowed to see it; the view is audited. */
  async function viewed(ctx: Context & { state: AppState }, attachment: Attachment, what: string, voiceOnly = false): Promise<Buffer> {
    const id = String(attachment._id);
    // Asked to play something that is not a recording: a 404, but only after the access check (which logs a refusal).
    const notVoice = () => {
      if (voiceOnly && attachment.mime !== 'audio/amr') throw notFound('未找到该语音（Voice recording not found）');
    };
    const officer = currentOfficer(ctx.state);
    const actor = { kind: 'officer' as const, id: officer.id, name: officer.name, username: officer.username };
    if (attachment.workLog) {
      // A photo of a work-log entry: the entry's room decides (entries never move between rooms).
      await assertRoomAccess(ctx, attachment.room, { hideAs404: true });
      notVoice();
      const body = await readAttachment(config.DATA_DIR, attachment);
      await recordAudit({ actor, action: 'attachment.view', room: attachment.room, detail: `工作日志图片 ${id}` });
      return body;
    }
    if (!attachment.item) throw notFound('未找到该附件（Attachment not found）');
    const item = await itemById(attachment.item, { fields: ['code', 'room', 'kind'] });
    if (!item) throw notFound('未找到该附件（Attachment not found）');
    // The item's room, not the attachment's copy of it: a transferred item follows its room.
    await assertRoomAccess(ctx, item.room, { hideAs404: true });
    notVoice();
    const body = await readAttachment(config.DATA_DIR, attachment);
    await recordAudit({ actor, action: 'attachment.view', item, detail: `${what} ${id}` });
    return body;
  }

  function privately(ctx: Context, mime: string, disposition: string): void {
    ctx.set('Content-Type', mime);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.set('Content-Disposition', disposition);
    ctx.set('X-Content-Type-Options', 'nosniff');
  }

  router.get('/:id', requireOfficer(), async (ctx) => {
    const id = ctx.params.id;
    const attachment = await findAttachment(id);
    if (!attachment) throw notFound('未找到该附件（Attachment not found）');
    ctx.body = await viewed(ctx, attachment, attachment.mime === 'audio/amr' ? '语音' : '图片');
    // The original voice recording downloads with a name a player recognises.
    privately(ctx, attachment.mime, attachment.mime === 'audio/amr' ? `attachment; filename="voice-${id}.amr"` : 'inline');
  });

  router.get('/:id/playable', requireOfficer(), async (ctx) => {
    const id = ctx.params.id;
    const attachment = await findAttachment(id);
    if (!attachment) throw notFound('未找到该语音（Voice recording not found）');
    const wav = await amrToWav(await viewed(ctx, attachment, '语音（播放）', true));
    ctx.body = wav.data;
    privately(ctx, wav.mime, `inline; filename="voice-${id}.wav"`);
  });

  return router;
}
