import { Schema, model, type InferSchemaType } from 'mongoose';

/** The four volunteer teams organised around each room (四支队伍). */
export const VOLUNTEER_TEAMS = ['informant', 'specialist', 'mediator', 'safety'] as const;
export type VolunteerTeam = (typeof VOLUNTEER_TEAMS)[number];
export const VOLUNTEER_TEAM_LABELS: Record<VolunteerTeam, string> = {
  informant: '信息员',
  specialist: '专管员',
  mediator: '调解员',
  safety: '安全员',
};

/**
 * A volunteer's profile: `_id` is the id of its account (an Officer document with role
 * 'volunteer', which signs in like any account). One room, one team.
 */
const volunteerSchema = new Schema(
  {
    _id: { type: String, required: true },
    username: { type: String, required: true },
    name: { type: String, required: true, maxlength: 40 },
    room: { type: String, required: true, uppercase: true },
    team: { type: String, required: true, enum: VOLUNTEER_TEAMS },
    active: { type: Boolean, default: true },
    /** When an admin last switched the volunteer off (null while active): the month counts who was active in it. */
    deactivatedAt: { type: Date, default: null },
    createdBy: { type: String, default: null },
  },
  { timestamps: true },
);
volunteerSchema.index({ room: 1 });
export type Volunteer = InferSchemaType<typeof volunteerSchema> & { _id: string; createdAt: Date };
export const VolunteerModel = model('Volunteer', volunteerSchema);

/**
 * A dispute given to a 调解员: `_id` = `volunteerId|itemId`, so the check "may this volunteer see
 * this item" is one primary-key read, and giving it twice is one document.
 */
const disputeAssignmentSchema = new Schema(
  {
    _id: { type: String, required: true },
    volunteer: { type: String, required: true },
    item: { type: String, required: true },
    itemCode: { type: String, required: true },
    room: { type: String, required: true },
    assignedBy: { type: String, default: null },
  },
  { timestamps: true },
);
disputeAssignmentSchema.index({ volunteer: 1 });
export const DisputeAssignmentModel = model('VolunteerDispute', disputeAssignmentSchema);

/** What volunteers did (insert-only), counted in the month: tips, dispute notes, views. */
export const VOLUNTEER_ACTIVITY_KINDS = ['tip', 'dispute_note', 'view'] as const;
const activitySchema = new Schema(
  {
    volunteer: { type: String, required: true },
    room: { type: String, required: true },
    kind: { type: String, required: true, enum: VOLUNTEER_ACTIVITY_KINDS },
    /** The tip's code (tips) or the dispute's code (notes, views of a dispute). */
    itemCode: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { timestamps: false },
);
activitySchema.index({ room: 1, at: 1 });
export const VolunteerActivityModel = model('VolunteerActivity', activitySchema);

/** The teams that receive the room's notices (警情通报、防范提示): see README "The four volunteer teams". */
export const NOTICE_TEAMS = ['safety', 'specialist'] as const satisfies readonly VolunteerTeam[];

/**
 * A room notice delivered to one volunteer (安全员、专管员): `_id` = `<notice key>|<volunteer id>`,
 * inserted once however often the notice's run is repeated (a unique insert), so the volunteer's
 * 「通知」 list and the month's count see it once. The text is what residents' groups read, with
 * numbers masked; `at` is when it was delivered (the month counts by it).
 */
const volunteerNoticeSchema = new Schema(
  {
    _id: { type: String, required: true },
    volunteer: { type: String, required: true },
    room: { type: String, required: true },
    team: { type: String, required: true, enum: VOLUNTEER_TEAMS },
    notice: { type: String, required: true },
    kind: { type: String, required: true },
    kindLabel: { type: String, required: true },
    title: { type: String, required: true },
    text: { type: String, required: true },
    urgent: { type: Boolean, default: false },
    /** Whether a text went to the volunteer's phone too (false: no number, or SMS off). */
    sms: { type: Boolean, default: false },
    at: { type: Date, required: true },
  },
  { timestamps: false },
);
volunteerNoticeSchema.index({ volunteer: 1, at: -1 });
volunteerNoticeSchema.index({ room: 1, at: 1 });
export const VolunteerNoticeModel = model('VolunteerNotice', volunteerNoticeSchema);
