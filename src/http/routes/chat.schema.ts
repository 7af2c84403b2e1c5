import { z } from 'zod';
import { humanText, roomCodeSchema } from '../validate';

export const ConversationIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, '会话编号格式不正确');

export const ChatMessageSchema = z.object({
  room: roomCodeSchema,
  conversationId: ConversationIdSchema.optional(),
  text: humanText(1000),
});
export type ChatMessageReq = z.infer<typeof ChatMessageSchema>;

/** Cursor of the officer-message feed: `<epoch ms>_<message id>` (also the id of each live chat event). */
export const FeedCursorSchema = z.string().regex(/^\d{1,15}_[0-9a-f]{24}$/, '游标格式不正确');

export const FeedQuerySchema = z.object({ after: FeedCursorSchema.optional() });
