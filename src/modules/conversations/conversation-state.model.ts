import { CHANNEL_NAMES } from '../../lib/channel-names';
import { Schema, model, type InferSchemaType, Types } from 'mongoose';

/**
 * What the core remembers between messages, one document per conversation + sender:
 * the room the resident talks to (private WeChat chats have no room of their own), the open
 * multi-turn flow, and the item this conversation last created (so further messages join its
 * thread).
 *
 * Expiry is handled by the app, not by a TTL index (FerretDB has none): a flow whose
 * `flowUpdatedAt` is older than CONVERSATION_IDLE_MINUTES is treated as gone when read, and
 * `purgeIdleConversationStates()` deletes long-idle documents.
 *
 * Writers: the one conversation + sender. A resident sending two messages at the very same
 * moment can make the later write win; flows are written so that this only repeats a question.
 */
const conversationStateSchema = new Schema(
  {
    /** `${channel}:${conversationId}:${senderId}` — also the `_id`, since on FerretDB 1.24 only
     *  `_id` lookups and updates avoid reading the whole collection. */
    _id: { type: String, required: true },
    key: { type: String, required: true, maxlength: 400 },
    channel: { type: String, required: true, enum: CHANNEL_NAMES },
    conversationId: { type: String, required: true, maxlength: 200 },
    senderId: { type: String, required: true, maxlength: 200 },
    room: { type: String, default: null },
    flow: { type: Schema.Types.Mixed, default: null },
    flowUpdatedAt: { type: Date, default: null },
    openItem: {
      type: new Schema({ id: { type: Types.ObjectId, required: true }, code: { type: String, required: true } }, { _id: false }),
      default: null,
    },
    lastActivityAt: { type: Date, required: true },
  },
  { timestamps: false, minimize: false },
);

conversationStateSchema.index({ lastActivityAt: 1 });

export type ConversationState = InferSchemaType<typeof conversationStateSchema> & { _id: string };
export const ConversationStateModel = model('ConversationState', conversationStateSchema);
