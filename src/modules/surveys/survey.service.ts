import type { ChannelName } from '../../lib/channel-names';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { InboundMessage, OutboundReply, ReplyAddress } from '../../lib/messages';
import type { Config } from '../../config';
import type { Logger } from '../../logging/logger';
import { maskPersonalData } from '../../lib/mask';
import { findByKey } from '../../storage/find-by-key';
import { insertUnique } from '../../storage/unique-insert';
import { type AppointmentCompletedEvent, onAppointmentCompleted } from '../appointments';
import { onItemResolved } from '../inbox';
import { createItem, type Item } from '../items';
import { enqueueMessage } from '../outbox';
import {
  RatingCommentModel,
  RatingModel,
  SurveyModel,
  SurveyPendingModel,
  RATING_LABELS,
  type Rating,
  type RatingValue,
  type Survey,
  type SurveyPending,
  type SubjectType,
} from './survey.model';
import { askComment, COMMENT_OPTIONS, isDecline, parseRatingAnswer, RATING_OPTIONS, surveyQuestion, TEXT } from './survey.text';

/**
 * Satisfaction surveys: one per resolved item or completed appointment, sent on the channel the
 * resident used; one rating per subject; an optional comment; an unhappy rating with a comment
 * opens a follow-up item for the supervisor. Anonymous tips are rated through the tip's code
 * (see src/http/routes/surveys.ts) and never linked to a person.
 */

/** Minutes after a rating during which the next message is taken as its (optional) comment. */
export const COMMENT_MINUTES = 30;

/** What the surveys take from the config; every process (web, scheduler, bot) builds its own with surveySettings(). */
export interface SurveySettings {
  /** Hours a resident has to answer (SURVEY_WINDOW_HOURS). */
  windowHours: number;
  /** Minutes a follow-up item may wait for an officer, per kind (SLA_MINUTES). */
  slaMinutes?: Partial<Record<string, number>>;
  logger?: Logger;
}

export function surveySettings(config: Pick<Config, 'SURVEY_WINDOW_HOURS' | 'SLA_MINUTES'>, logger?: Logger): SurveySettings {
  return { windowHours: config.SURVEY_WINDOW_HOURS, slaMinutes: config.SLA_MINUTES, logger };
}

export const subjectKey = (type: SubjectType, id: string) => `${type}:${id}`;

/** The chat a survey is pending in: a private chat, or one member of a group. */
export function pendingKey(a: { channel: string; conversationId: string; isGroup: boolean; person?: string | null }): string {
  return `${a.channel}:${a.conversationId}:${a.isGroup ? (a.person ?? '') : ''}`;
}

const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');

/** Web answer token: the subject key (so the survey is found by id) and a random secret (only its hash is stored). */
export function makeToken(key: string, secret: string): string {
  return `${Buffer.from(key).toString('base64url')}.${secret}`;
}

export function parseToken(token: string): { key: string; secret: string } | null {
  const m = /^([A-Za-z0-9_-]{4,120})\.([A-Za-z0-9_-]{20,64})$/.exec(token);
  if (!m) return null;
  const key = Buffer.from(m[1], 'base64url').toString('utf8');
  if (!/^(item|appointment):[A-Za-z0-9]{1,40}$/.test(key)) return null;
  return { key, secret: m[2] };
}

export interface RequestSurveyProps {
  subject: { type: SubjectType; id: string };
  room: string;
  officerId?: string | null;
  /** Where to ask; null when the resident cannot be messaged (anonymous tips: rated by code). */
  to: ReplyAddress | null;
  /** The tip's code, for anonymous tips rated through it. */
  tipCode?: string | null;
  /** The code the resident knows (item or appointment), shown in the question. */
  subjectCode?: string | null;
  serviceName?: string | null;
  anonymous?: boolean;
  now?: Date;
  settings: SurveySettings;
}

export interface RequestSurveyResult {
  survey: Survey;
  created: boolean;
  /** Web answer token; only returned when the survey was created by this call. */
  token: string | null;
}

/**
 * Records the survey of a subject and sends its question through the outbox
 * (key `survey:<type>:<id>`). Idempotent: a second call for the same subject changes nothing.
 */
export async function requestSurvey(props: RequestSurveyProps): Promise<RequestSurveyResult> {
  const { settings } = props;
  const now = props.now ?? new Date();
  const key = subjectKey(props.subject.type, props.subject.id);
  // In a group the question must address one member; without one it is not sent.
  const to = props.to && (!props.to.isGroup || props.to.mentionId) ? props.to : null;
  const secret = randomBytes(18).toString('base64url');
  const outboxKey = to ? `survey:${props.subject.type}:${props.subject.id}` : null;
  const outcome = await insertUnique<Survey>(SurveyModel, {
    _id: key,
    subjectType: props.subject.type,
    subjectId: props.subject.id,
    subjectCode: props.tipCode ?? props.subjectCode ?? null,
    room: props.room,
    officer: props.officerId ?? null,
    to: to ? { channel: to.channel, conversationId: to.conversationId, isGroup: to.isGroup, mentionId: to.mentionId ?? null, account: to.account ?? null } : null,
    anonymous: props.anonymous ?? false,
    tokenHash: sha256(secret),
    outboxKey,
    sentAt: now,
    expiresAt: new Date(now.getTime() + settings.windowHours * 3600_000),
  });
  if (!outcome.won) {
    const existing = await SurveyModel.findById(key).lean<Survey>();
    if (!existing) throw new Error(`survey ${key} collided but was not found`);
    return { survey: existing, created: false, token: null };
  }
  const survey = outcome.doc;
  if (to) {
    await enqueueMessage({
      key: outboxKey!,
      to,
      text: surveyQuestion({ subjectType: props.subject.type, code: props.subjectCode ?? props.tipCode ?? null, serviceName: props.serviceName, windowHours: settings.windowHours }),
      options: RATING_OPTIONS,
      purpose: 'survey',
      item: props.subject.type === 'item' ? props.subject.id : null,
      source: `survey:${key}`,
    });
    // The latest survey of a chat is the one its next "1/2/3" answers. A plain replace: a later
    // survey in the same chat taking over is what we want.
    const pk = pendingKey({ channel: to.channel, conversationId: to.conversationId, isGroup: to.isGroup, person: to.mentionId });
    await SurveyPendingModel.collection.replaceOne(
      { _id: pk } as never,
      { _id: pk, survey: key, step: 'rating', expiresAt: survey.expiresAt, createdAt: now, updatedAt: now } as never,
      { upsert: true },
    );
  }
  return { survey, created: true, token: makeToken(key, secret) };
}

export type RatingOutcome = { status: 'recorded'; rating: Rating } | { status: 'duplicate'; rating: Rating | null } | { status: 'late' };

/** Records the one rating of a survey's subject. Answers after the window do not count. */
export async function recordRating(props: { survey: Survey; rating: RatingValue; via: Rating['via']; now: Date }): Promise<RatingOutcome> {
  if (props.now.getTime() > new Date(props.survey.expiresAt).getTime()) {
    const existing = await RatingModel.findById(props.survey._id).lean<Rating>();
    return existing ? { status: 'duplicate', rating: existing } : { status: 'late' };
  }
  const outcome = await insertUnique<Rating>(RatingModel, {
    _id: props.survey._id,
    room: props.survey.room,
    // Tips are never linked to a person; the officer who handled it is not a person of the tipster.
    officer: props.survey.officer ?? null,
    rating: props.rating,
    via: props.via,
    answeredAt: props.now,
    sentAt: props.survey.sentAt,
  });
  if (outcome.won) return { status: 'recorded', rating: outcome.doc };
  return { status: 'duplicate', rating: await RatingModel.findById(props.survey._id).lean<Rating>() };
}

/**
 * Stores the one comment of a rating; the call that stores it opens the follow-up item when
 * the rating was 不满意. Returns the follow-up item's code, if one was opened.
 */
async function recordComment(props: { survey: Survey; rating: Rating; text: string; now: Date; settings: SurveySettings }): Promise<{ stored: boolean; followupCode: string | null }> {
  const { settings } = props;
  const text = maskPersonalData(props.text.replace(/\s+/g, ' ').trim()).slice(0, 1000);
  if (!text) return { stored: false, followupCode: null };
  const outcome = await insertUnique(RatingCommentModel, { _id: props.survey._id, room: props.survey.room, rating: props.rating.rating, text, at: props.now });
  if (!outcome.won || props.rating.rating !== 'unsatisfied') return { stored: outcome.won, followupCode: null };
  const subject = props.survey.subjectCode ? `（${props.survey.subjectType === 'appointment' ? '预约' : '事项'} ${props.survey.subjectCode}）` : '';
  const to = props.survey.to;
  const item = await createItem({
    room: props.survey.room,
    kind: 'followup',
    text: `群众对办理结果表示不满意${subject}，意见：${text}`,
    summary: `不满意评价回访${subject}：${text}`,
    parentItem: props.survey.subjectType === 'item' ? props.survey.subjectId : null,
    anonymous: props.survey.anonymous,
    origin:
      props.survey.anonymous || !to
        ? null
        : { channel: to.channel as ChannelName, conversationId: to.conversationId, isGroup: to.isGroup ?? false, senderId: to.mentionId ?? undefined, account: to.account ?? undefined },
    labels: ['满意度回访'],
    slaMinutes: settings.slaMinutes,
    now: props.now,
  });
  await RatingCommentModel.updateOne({ _id: props.survey._id }, { $set: { followupItem: String(item._id) } });
  settings.logger?.info({ survey: props.survey._id, followup: item.code, room: props.survey.room }, 'unhappy rating opened a follow-up');
  return { stored: true, followupCode: item.code };
}

/**
 * The conversation core's hook: answers to a pending survey ("1/2/3", then an optional comment).
 * Returns null when the message is not a survey answer, so the core handles it as usual.
 */
export async function handleSurveyAnswer(msg: InboundMessage, settings: SurveySettings): Promise<OutboundReply[] | null> {
  const key = pendingKey({ channel: msg.channel, conversationId: msg.conversationId, isGroup: msg.isGroup, person: msg.senderId });
  // Read through the driver: every chat message asks, and almost always nothing is pending.
  const pending = await findByKey<SurveyPending>(SurveyPendingModel, key);
  if (!pending) return null;
  const now = msg.receivedAt ?? new Date();
  const drop = () => SurveyPendingModel.deleteOne({ _id: key, survey: pending.survey });

  if (pending.step === 'rating') {
    const value = parseRatingAnswer(msg.text, { digits: !pending.wordsOnly });
    if (!value) {
      if (now.getTime() > new Date(pending.expiresAt).getTime()) await drop();
      else if (!pending.wordsOnly) await SurveyPendingModel.updateOne({ _id: key }, { $set: { wordsOnly: true } });
      return null;
    }
    const survey = await SurveyModel.findById(pending.survey).lean<Survey>();
    if (!survey) {
      await drop();
      return null;
    }
    const outcome = await recordRating({ survey, rating: value, via: msg.channel, now });
    if (outcome.status === 'late') {
      await drop();
      return [{ text: TEXT.late(settings.windowHours) }];
    }
    if (outcome.status === 'duplicate') {
      await drop();
      return [{ text: TEXT.alreadyRated }];
    }
    await SurveyPendingModel.updateOne({ _id: key }, { $set: { step: 'comment', expiresAt: new Date(now.getTime() + COMMENT_MINUTES * 60_000) } });
    return [{ text: askComment(value), options: COMMENT_OPTIONS }];
  }

  // step 'comment'
  if (now.getTime() > new Date(pending.expiresAt).getTime()) {
    await drop();
    return null;
  }
  await drop();
  if (isDecline(msg.text)) return [{ text: TEXT.thanks }];
  const [survey, rating] = await Promise.all([SurveyModel.findById(pending.survey).lean<Survey>(), RatingModel.findById(pending.survey).lean<Rating>()]);
  if (!survey || !rating) return null;
  const { followupCode } = await recordComment({ survey, rating, text: msg.text, now, settings });
  return [{ text: followupCode ? TEXT.commentFollowup : TEXT.commentThanks }];
}

export interface AnswerResult {
  counted: boolean;
  reason: 'recorded' | 'duplicate' | 'late';
  rating: RatingValue | null;
  ratingLabel: string | null;
  commentStored: boolean;
  followupOpened: boolean;
}

/** A rating (and optional comment) given through the web token or a tip's code. */
export async function answerSurvey(props: { survey: Survey; rating: RatingValue; comment?: string | null; via: Rating['via']; now?: Date; settings: SurveySettings }): Promise<AnswerResult> {
  const now = props.now ?? new Date();
  const outcome = await recordRating({ survey: props.survey, rating: props.rating, via: props.via, now });
  if (outcome.status === 'late') return { counted: false, reason: 'late', rating: null, ratingLabel: null, commentStored: false, followupOpened: false };
  const rating = outcome.rating;
  let commentStored = false;
  let followupOpened = false;
  if (outcome.status === 'recorded' && props.comment && rating) {
    const c = await recordComment({ survey: props.survey, rating, text: props.comment, now, settings: props.settings });
    commentStored = c.stored;
    followupOpened = c.followupCode !== null;
  }
  if (outcome.status === 'recorded' && props.survey.to) {
    const to = props.survey.to;
    await SurveyPendingModel.deleteOne({ _id: pendingKey({ channel: to.channel, conversationId: to.conversationId, isGroup: to.isGroup ?? false, person: to.mentionId }), survey: props.survey._id });
  }
  return {
    counted: outcome.status === 'recorded',
    reason: outcome.status,
    rating: rating?.rating ?? null,
    ratingLabel: rating ? RATING_LABELS[rating.rating] : null,
    commentStored,
    followupOpened,
  };
}

/** Finds a survey by its web token (constant-time secret check); null when unknown or wrong. */
export async function findSurveyByToken(token: string): Promise<Survey | null> {
  const parsed = parseToken(token);
  if (!parsed) return null;
  const survey = await SurveyModel.findById(parsed.key).lean<Survey>();
  if (!survey) return null;
  const a = Buffer.from(sha256(parsed.secret));
  const b = Buffer.from(survey.tokenHash);
  return a.length === b.length && timingSafeEqual(a, b) ? survey : null;
}

/** The rating a survey was given, or null while it is unanswered. */
export async function givenRating(survey: Pick<Survey, '_id'>): Promise<RatingValue | null> {
  const rating = await RatingModel.findById(survey._id, { rating: 1 }).lean();
  return (rating?.rating as RatingValue | undefined) ?? null;
}

/** The survey sent when this item was resolved, if one was. */
export async function surveyOfItem(itemId: string): Promise<Survey | null> {
  return SurveyModel.findById(subjectKey('item', itemId)).lean<Survey>();
}

// ------------------------------------------------------------------ hooks

function addressOfItem(item: Item): ReplyAddress | null {
  const o = item.origin;
  if (!o || item.anonymous) return null;
  return { channel: o.channel as ChannelName, conversationId: o.conversationId, isGroup: o.isGroup ?? false, mentionId: o.isGroup ? (o.senderId ?? undefined) : undefined, account: o.account ?? undefined };
}

export async function surveyForResolvedItem(item: Item, settings: SurveySettings, now?: Date): Promise<RequestSurveyResult | null> {
  let to = addressOfItem(item);
  if (to?.isGroup && !to.mentionId) to = null; // a group, but nobody to address
  // Anonymous tips are rated by code; other items without a way back cannot be asked.
  if (!to && !(item.kind === 'tip' && item.anonymous)) return null;
  return requestSurvey({
    subject: { type: 'item', id: String(item._id) },
    room: item.room,
    officerId: item.assignee ? String(item.assignee) : null,
    to,
    tipCode: item.kind === 'tip' ? item.code : null,
    subjectCode: item.code,
    anonymous: item.anonymous ?? false,
    now,
    settings,
  });
}

export async function surveyForCompletedAppointment(ev: AppointmentCompletedEvent & { officerId?: string | null }, settings: SurveySettings, now?: Date): Promise<RequestSurveyResult | null> {
  if (!ev.origin) return null;
  return requestSurvey({
    subject: { type: 'appointment', id: ev.id },
    room: ev.room,
    officerId: ev.officerId ?? null,
    to: { channel: ev.origin.channel, conversationId: ev.origin.conversationId, isGroup: false, account: ev.origin.account },
    subjectCode: ev.code,
    serviceName: ev.serviceName,
    now: now ?? ev.completedAt,
    settings,
  });
}

let unsubscribe: Array<() => void> = [];

/**
 * Subscribes the surveys to "item resolved" and "appointment completed". Call once at start-up
 * (main.ts and createApp); calling again replaces the earlier subscription.
 */
export function registerSurveyHooks(deps: { config: Pick<Config, 'SURVEY_WINDOW_HOURS' | 'SLA_MINUTES'>; logger?: Logger }): () => void {
  const settings = surveySettings(deps.config, deps.logger);
  for (const off of unsubscribe) off();
  unsubscribe = [
    onItemResolved(async (item) => {
      await surveyForResolvedItem(item, settings);
    }),
    onAppointmentCompleted(async (ev) => {
      await surveyForCompletedAppointment(ev, settings);
    }),
  ];
  return () => {
    for (const off of unsubscribe) off();
    unsubscribe = [];
  };
}

// ------------------------------------------------------------------ report facts

/** Surveys of these rooms (all without `rooms`) sent in the range (all without `range`): for the monthly reports. */
export function surveysSent(where: { rooms?: readonly string[]; range?: { $gte: Date; $lt: Date } }): AsyncIterable<Pick<Survey, 'room' | 'officer' | 'sentAt'>> {
  const filter: Record<string, unknown> = where.rooms ? { room: { $in: [...where.rooms] } } : {};
  if (where.range) filter.sentAt = where.range;
  return SurveyModel.find(filter, { room: 1, officer: 1, sentAt: 1 }).lean<Array<Pick<Survey, 'room' | 'officer' | 'sentAt'>>>().cursor({ batchSize: 2000 });
}

/** Ratings of these rooms (all without `rooms`) given in the range (all without `range`): for the monthly reports. */
export function ratingsGiven(where: { rooms?: readonly string[]; range?: { $gte: Date; $lt: Date } }): AsyncIterable<Pick<Rating, 'room' | 'officer' | 'rating' | 'answeredAt'>> {
  const filter: Record<string, unknown> = where.rooms ? { room: { $in: [...where.rooms] } } : {};
  if (where.range) filter.answeredAt = where.range;
  return RatingModel.find(filter, { room: 1, officer: 1, rating: 1, answeredAt: 1 }).lean<Array<Pick<Rating, 'room' | 'officer' | 'rating' | 'answeredAt'>>>().cursor({ batchSize: 2000 });
}
