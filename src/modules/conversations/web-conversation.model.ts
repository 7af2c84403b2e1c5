import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * A web chat conversation. Its id is 128 random bits (base64url): holding the id is what
 * lets a browser read the conversation's messages, so it must not be guessable.
 * The id is also the document's `_id`: on FerretDB 1.24 only `_id` lookups avoid reading the
 * whole collection, and every chat message looks its conversation up.
 */
const webConversationSchema = new Schema(
  {
    _id: { type: String, required: true },
    cid: { type: String, required: true, match: /^[A-Za-z0-9_-]{22}$/ },
    room: { type: String, required: true, uppercase: true },
    lastActivityAt: { type: Date, required: true },
  },
  { timestamps: true },
);
webConversationSchema.index({ cid: 1 }, { unique: true });
webConversationSchema.index({ lastActivityAt: 1 });

export type WebConversation = InferSchemaType<typeof webConversationSchema> & { _id: string };
export const WebConversationModel = model('WebConversation', webConversationSchema);
