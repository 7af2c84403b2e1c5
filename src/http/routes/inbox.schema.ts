import { z } from 'zod';
import { humanText, roomCodeSchema } from '../validate';
import { ITEM_KINDS, ITEM_STATUSES } from '../../modules/items';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();

export const InboxListSchema = z.object({
  status: z.enum([...ITEM_STATUSES, 'open', 'all']).optional(),
  room: roomCodeSchema.optional(),
  kind: z.enum(ITEM_KINDS).optional(),
  mine: flag,
  breached: flag,
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
export type InboxListReq = z.infer<typeof InboxListSchema>;

export const ForceSchema = z.object({ force: z.boolean().optional() }).optional().transform((v) => v ?? {});
export const TransferSchema = z.object({ officerId: z.string().regex(/^[0-9a-f]{24}$/i, '民警编号格式不正确'), force: z.boolean().optional() });
export const ReplySchema = z.object({ text: humanText(2000), force: z.boolean().optional() });
export const NoteSchema = z.object({ text: humanText(2000) });
export const LabelsSchema = z.object({ labels: z.array(z.string().max(20)).max(10) });

export const CannedListSchema = z.object({ room: roomCodeSchema.optional() });
export const CannedCreateSchema = z.object({ room: roomCodeSchema, title: humanText(40), text: humanText(2000) });
