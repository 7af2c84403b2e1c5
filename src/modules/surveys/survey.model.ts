import { CHANNEL_NAMES } from '../../lib/channel-names';
import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * Satisfaction surveys and their answers.
 *
 * Every document here is keyed by a deterministic string `_id`, because on FerretDB 1.24
 * (SQLite) an equality on `_id` is the only filter evaluated inside SQLite; any other filter
 * decodes every document of the collection. And the keys are what make the rules hold:
 *  - Survey        _id = subject key ('item:<id>' | 'appointment:<id>'): one survey per subject.
 *  - Rating        _id = subject key: one answer per subject (a second answer is a duplicate key).
 *  - RatingComment _id = subject key: one comment; the one insert that wins opens the follow-up.
 *  - SurveyPending _id = conversation key: which survey a chat is currently being asked
 *                  (small: entries are removed once answered or expired).
 */
export const RATING_VALUES = ['satisfied', 'basic', 'unsatisfied'] as const;
export type RatingValue = (typeof RATING_VALUES)[number];
export const RATING_LABELS: Record<RatingValue, string> = { satisfied: '满意', basic: '基本满意', unsatisfied: '不满意' };

export const SUBJECT_TYPES = ['item', 'appointment'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

const addressSchema = new Schema(
  {
    channel: { type: String, enum: CHANNEL_NAMES, required: true },
    conversationId: { type: String, required: true },
    isGroup: { type: Boolean, default: false },
    mentionId: { type: String, default: null },
    account: { type: String, default: null },
  },
  { _id: false },
);

const surveySchema = new Schema(
  {
    _id: { type: String, required: true },
    subjectType: { type: String, enum: SUBJECT_TYPES, required: true },
    subjectId: { type: String, required: true },
    /** The code the resident knows (S…/J…/Y…); tips are rated through it. */
    subjectCode: { type: String, default: null },
    room: { type: String, required: true },
    officer: { type: String, default: null },
    /** Where the question went; null when it was not sent as a message (anonymous tips: rated by code). */
    to: { type: addressSchema, default: null },
    anonymous: { type: Boolean, default: false },
    /** SHA-256 of the secret part of the web answer token. */
    tokenHash: { type: String, required: true },
    outboxKey: { type: String, default: null },
    sentAt: { type: Date, required: true },
    /** Answers after this instant do not count (SURVEY_WINDOW_HOURS after sending). */
    expiresAt: { type: Date, required: true },
  },
  { timestamps: true },
);
surveySchema.index({ sentAt: 1 });

export type Survey = InferSchemaType<typeof surveySchema> & { _id: string };
export const SurveyModel = model('Survey', surveySchema);

const ratingSchema = new Schema(
  {
    _id: { type: String, required: true },
    room: { type: String, required: true },
    officer: { type: String, default: null },
    rating: { type: String, enum: RATING_VALUES, required: true },
    /** How it came: chat message, the web answer API, or a tip's code (never linked to a person). */
    via: { type: String, enum: [...CHANNEL_NAMES, 'token', 'tip'], required: true },
    answeredAt: { type: Date, required: true },
    sentAt: { type: Date, required: true },
  },
  { timestamps: false },
);
ratingSchema.index({ answeredAt: 1 });

export type Rating = InferSchemaType<typeof ratingSchema> & { _id: string };
export const RatingModel = model('SurveyRating', ratingSchema);

const ratingCommentSchema = new Schema(
  {
    _id: { type: String, required: true },
    room: { type: String, required: true },
    rating: { type: String, enum: RATING_VALUES, required: true },
    /** Masked (phone and ID numbers hidden) before storing. */
    text: { type: String, required: true, maxlength: 1000 },
    at: { type: Date, required: true },
    followupItem: { type: String, default: null },
  },
  { timestamps: false },
);

export const RatingCommentModel = model('SurveyRatingComment', ratingCommentSchema);

const pendingSchema = new Schema(
  {
    _id: { type: String, required: true },
    survey: { type: String, required: true },
    step: { type: String, enum: ['rating', 'comment'], required: true },
    /**
     * Set once the resident wrote something else: from then on a bare "1/2/3" may be an answer to
     * another menu (a booking's numbered slots), so only the words 满意/基本满意/不满意 count.
     */
    wordsOnly: { type: Boolean, default: false },
    expiresAt: { type: Date, required: true },
  },
  { timestamps: true },
);

export type SurveyPending = InferSchemaType<typeof pendingSchema> & { _id: string };
export const SurveyPendingModel = model('SurveyPending', pendingSchema);
