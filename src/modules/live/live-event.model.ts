import { Schema, model, type InferSchemaType, Types } from 'mongoose';

/**
 * Live updates across instances without change streams (FerretDB has none): every change
 * an officer's screen should show is an insert here. Each instance polls this collection
 * about once a second and fans new events out to its own SSE clients. Events carry ids and
 * states only — never resident text — so a leak of one event leaks nothing personal.
 * Insert-only; old events are pruned by the pollers (deleteMany is idempotent).
 *
 * 'chat.message' wakes the resident web chat pages of one conversation (a new outbox message
 * for it): it names the conversation only by a hash of its id (the id is the key to its
 * messages) and carries no item and no room; officers' streams never receive it.
 */
export const LIVE_EVENT_TYPES = ['item.created', 'item.updated', 'item.message', 'chat.message', 'session.ended'] as const;
export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];

const liveEventSchema = new Schema(
  {
    at: { type: Date, required: true },
    type: { type: String, required: true, enum: LIVE_EVENT_TYPES },
    item: { type: Types.ObjectId, ref: 'Item', default: null },
    room: { type: String, default: null },
    /** chat.message: conversationKey(cid) of the web conversation. */
    conversation: { type: String, default: null },
    /**
     * 'session.ended' (sign-out, deactivation, password change): the officer, and the one session
     * that ended (null: all of that officer's sessions). Open streams of those sessions close.
     */
    officer: { type: Types.ObjectId, ref: 'Officer', default: null },
    session: { type: String, default: null },
    kind: { type: String, default: null },
    status: { type: String, default: null },
    assignee: { type: Types.ObjectId, ref: 'Officer', default: null },
    /** What happened, e.g. claim, reply, resolve (for the page to decide what to refresh). */
    action: { type: String, default: null, maxlength: 40 },
  },
  { timestamps: false },
);

liveEventSchema.index({ at: 1 });

export type LiveEvent = InferSchemaType<typeof liveEventSchema> & { _id: Types.ObjectId };
export const LiveEventModel = model('LiveEvent', liveEventSchema);
