import { Schema, model, type InferSchemaType, Types } from 'mongoose';

/**
 * A web chat conversation. Its id is 128 random bits (base64url): holding the id is what
 * lets a browser read the conversation's messages, so it must not be guessable.
 */
const webConversationSchema = new Schema(
  {
    cid: { type: String, required: true, match: /^[A-Za-z0-9_-]{22}$/ },
    room: { type: String, required: true, uppercase: true },
    lastActivityAt: { type: Date, required: true },
  },
  { timestamps: true },
);
webConversationSchema.index({ cid: 1 }, { unique: true });
webConversationSchema.index({ lastActivityAt: 1 });

export type WebConversation = InferSchemaType<typeof webConversationSchema> & { _id: Types.ObjectId };
export const WebConversationModel = model('WebConversation', webConversationSchema);
