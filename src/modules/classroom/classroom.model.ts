import { Schema, model, type InferSchemaType, Types } from 'mongoose';
import { CLASSROOM_CATEGORIES, type ClassroomCategory } from './classroom.categories';

/**
 * 网上课堂: officers' questions about their work, answered by supervisors and admins. Internal to
 * staff. Text is masked (phone and ID numbers) before it is stored.
 */
const questionSchema = new Schema(
  {
    askedBy: { type: Types.ObjectId, ref: 'Officer', required: true },
    askedByName: { type: String, required: true, maxlength: 60 },
    askedByRole: { type: String, required: true, enum: ['officer', 'supervisor', 'admin'] },
    /** The asker's room (counted in that room's month); null for a supervisor or admin asking for no room. */
    room: { type: String, default: null, maxlength: 16 },
    category: { type: String, required: true, enum: CLASSROOM_CATEGORIES },
    title: { type: String, required: true, maxlength: 80 },
    body: { type: String, required: true, maxlength: 2000 },
    /** The bot's search words of title and body (src/understanding's tokenize), for search by words. */
    tokens: { type: [String], default: [] },
    createdAt: { type: Date, required: true },
    /**
     * A copy of the question's first-answer fact (ClassroomFirstAnswer), for lists; written only by
     * the answer that won the fact, so it never changes once set.
     */
    firstAnswer: {
      type: new Schema({ at: { type: Date, required: true }, by: { type: Types.ObjectId, required: true }, byName: { type: String, required: true } }, { _id: false }),
      default: null,
    },
  },
  { timestamps: false },
);
questionSchema.index({ createdAt: -1 });
questionSchema.index({ room: 1, createdAt: 1 });

export type ClassroomQuestion = InferSchemaType<typeof questionSchema> & { _id: Types.ObjectId; category: ClassroomCategory };
export const ClassroomQuestionModel = model('ClassroomQuestion', questionSchema);

/** An answer: insert-only (never edited), so what was said and when stays as it was. */
const answerSchema = new Schema(
  {
    question: { type: Types.ObjectId, ref: 'ClassroomQuestion', required: true },
    /** The question's room and asker, copied so the month is counted from answers alone. */
    room: { type: String, default: null, maxlength: 16 },
    askedBy: { type: Types.ObjectId, required: true },
    by: { type: Types.ObjectId, ref: 'Officer', required: true },
    byName: { type: String, required: true, maxlength: 60 },
    byRole: { type: String, required: true, enum: ['supervisor', 'admin'] },
    body: { type: String, required: true, maxlength: 3000 },
    createdAt: { type: Date, required: true },
  },
  { timestamps: false },
);
answerSchema.index({ question: 1, createdAt: 1 });
answerSchema.index({ createdAt: 1 });

export type ClassroomAnswer = InferSchemaType<typeof answerSchema> & { _id: Types.ObjectId };
export const ClassroomAnswerModel = model('ClassroomAnswer', answerSchema);

/**
 * The fact "this question was first answered at … by …": `_id` is the question id, so it can be
 * inserted once (two supervisors answering at the same moment: one insert wins, the other's answer
 * is stored as a second answer). The month counts questions answered from these facts.
 */
const firstAnswerSchema = new Schema(
  {
    _id: { type: String, required: true },
    answer: { type: Types.ObjectId, required: true },
    room: { type: String, default: null, maxlength: 16 },
    askedBy: { type: Types.ObjectId, required: true },
    askedAt: { type: Date, required: true },
    by: { type: Types.ObjectId, required: true },
    byName: { type: String, required: true, maxlength: 60 },
    at: { type: Date, required: true },
  },
  { timestamps: false },
);
firstAnswerSchema.index({ at: 1 });

export type ClassroomFirstAnswer = InferSchemaType<typeof firstAnswerSchema>;
export const ClassroomFirstAnswerModel = model('ClassroomFirstAnswer', firstAnswerSchema);

/** A proposal to put a question and its answer (edited for residents) into the residents' FAQ. */
const proposalSchema = new Schema(
  {
    question: { type: Types.ObjectId, ref: 'ClassroomQuestion', required: true },
    questionTitle: { type: String, required: true, maxlength: 80 },
    proposedBy: { type: Types.ObjectId, required: true },
    proposedByName: { type: String, required: true, maxlength: 60 },
    faqQuestion: { type: String, required: true, maxlength: 300 },
    faqAnswer: { type: String, required: true, maxlength: 4000 },
    createdAt: { type: Date, required: true },
  },
  { timestamps: false },
);
proposalSchema.index({ createdAt: -1 });
proposalSchema.index({ question: 1 });

export type ClassroomFaqProposal = InferSchemaType<typeof proposalSchema> & { _id: Types.ObjectId };
export const ClassroomFaqProposalModel = model('ClassroomFaqProposal', proposalSchema);

/** The review of a proposal: `_id` is the proposal id, so a proposal is decided once (approve and reject racing: one wins). */
const decisionSchema = new Schema(
  {
    _id: { type: String, required: true },
    decision: { type: String, required: true, enum: ['approved', 'rejected'] },
    by: { type: Types.ObjectId, required: true },
    byName: { type: String, required: true, maxlength: 60 },
    at: { type: Date, required: true },
    reason: { type: String, default: '', maxlength: 300 },
    /** The FAQ entry an approval created. */
    faqId: { type: String, default: null, maxlength: 40 },
  },
  { timestamps: false },
);

export type ClassroomFaqDecision = InferSchemaType<typeof decisionSchema>;
export const ClassroomFaqDecisionModel = model('ClassroomFaqDecision', decisionSchema);
