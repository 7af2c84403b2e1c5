import { Types } from 'mongoose';
import { notFound } from '../../lib/errors';
import { maskPersonalData } from '../../lib/mask';
import { insertUnique } from '../../storage/unique-insert';
import { tokenize } from '../../understanding';
import type { ClassroomCategory } from './classroom.categories';
import {
  ClassroomAnswerModel,
  ClassroomFirstAnswerModel,
  ClassroomQuestionModel,
  type ClassroomAnswer,
  type ClassroomFirstAnswer,
  type ClassroomQuestion,
} from './classroom.model';

/** Who acts: a signed-in staff member. */
export interface ClassroomActor {
  id: string;
  name: string;
  role: 'officer' | 'supervisor' | 'admin';
}

/** How many recent questions a list or search looks through (newest first), and the page size bound. */
const SCAN_LIMIT = 2000;
const MAX_TOKENS = 300;
export const CLASSROOM_PAGE_SIZE = 20;

/** The search words of a text: the same segmentation and stop words the bot retrieves FAQ answers with. */
function searchWords(text: string): string[] {
  return [...new Set(tokenize(text))].slice(0, MAX_TOKENS);
}

/** Stores a question; phone and ID numbers in its text are masked first (residents' data does not belong here). */
export async function askQuestion(props: {
  asker: ClassroomActor;
  room: string | null;
  input: { category: ClassroomCategory; title: string; body: string };
  now: Date;
}): Promise<ClassroomQuestion> {
  const title = maskPersonalData(props.input.title);
  const body = maskPersonalData(props.input.body);
  const doc = await ClassroomQuestionModel.create({
    askedBy: new Types.ObjectId(props.asker.id),
    askedByName: props.asker.name,
    askedByRole: props.asker.role,
    room: props.room,
    category: props.input.category,
    title,
    body,
    tokens: searchWords(`${title} ${body}`),
    createdAt: props.now,
    firstAnswer: null,
  });
  return doc.toObject() as ClassroomQuestion;
}

export async function questionById(id: string): Promise<ClassroomQuestion | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  return ClassroomQuestionModel.findById(id).lean<ClassroomQuestion>();
}

export async function loadQuestion(id: string): Promise<ClassroomQuestion> {
  const q = await questionById(id);
  if (!q) throw notFound('未找到该问题（Question not found）', 'question_not_found');
  return q;
}

export interface QuestionQuery {
  q?: string;
  category?: ClassroomCategory;
  status?: 'answered' | 'unanswered';
  askedBy?: string;
  page: number;
}

/**
 * A page of questions, newest first; with `q`, those sharing the most search words with it first
 * (「补办身份证」 finds 「身份证丢了怎么补办」). Looks through the newest SCAN_LIMIT questions in
 * process: FerretDB filters nothing but `_id` in the database, and a board's questions are few.
 */
export async function listQuestions(query: QuestionQuery): Promise<{ total: number; page: number; pageSize: number; questions: ClassroomQuestion[] }> {
  const docs = await ClassroomQuestionModel.find({}).sort({ createdAt: -1, _id: -1 }).limit(SCAN_LIMIT).lean<ClassroomQuestion[]>();
  let rows = docs.filter(
    (d) =>
      (!query.category || d.category === query.category) &&
      (!query.askedBy || String(d.askedBy) === query.askedBy) &&
      (!query.status || (query.status === 'answered') === Boolean(d.firstAnswer)),
  );
  const words = query.q ? searchWords(query.q) : [];
  if (query.q) {
    const scored = rows.map((d) => {
      const own = new Set(d.tokens ?? []);
      return { d, score: words.filter((w) => own.has(w)).length };
    });
    rows = scored
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score || b.d.createdAt.getTime() - a.d.createdAt.getTime())
      .map((s) => s.d);
  }
  const start = (query.page - 1) * CLASSROOM_PAGE_SIZE;
  return { total: rows.length, page: query.page, pageSize: CLASSROOM_PAGE_SIZE, questions: rows.slice(start, start + CLASSROOM_PAGE_SIZE) };
}

/** How many answers each of these questions has (for a page of the list). */
export async function answerCounts(ids: ReadonlyArray<Types.ObjectId>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!ids.length) return out;
  const rows = await ClassroomAnswerModel.find({ question: { $in: ids } }, { question: 1 }).lean<Array<Pick<ClassroomAnswer, 'question'>>>();
  for (const r of rows) out.set(String(r.question), (out.get(String(r.question)) ?? 0) + 1);
  return out;
}

export async function answersOf(questionId: Types.ObjectId): Promise<ClassroomAnswer[]> {
  return ClassroomAnswerModel.find({ question: questionId }).sort({ createdAt: 1, _id: 1 }).lean<ClassroomAnswer[]>();
}

/**
 * Adds a supervisor's or admin's answer (masked like the question). The first answer of a question
 * also becomes its first-answer fact, by a unique insert keyed by the question: of two answers at
 * the same moment exactly one is first, and the fact never changes afterwards.
 */
export async function answerQuestion(props: { question: ClassroomQuestion; by: ClassroomActor & { role: 'supervisor' | 'admin' }; body: string; now: Date }): Promise<{ answer: ClassroomAnswer; first: boolean }> {
  const { question, by, now } = props;
  const created = await ClassroomAnswerModel.create({
    question: question._id,
    room: question.room ?? null,
    askedBy: question.askedBy,
    by: new Types.ObjectId(by.id),
    byName: by.name,
    byRole: by.role,
    body: maskPersonalData(props.body),
    createdAt: now,
  });
  const answer = created.toObject() as ClassroomAnswer;
  const outcome = await insertUnique<ClassroomFirstAnswer>(ClassroomFirstAnswerModel, {
    _id: String(question._id),
    answer: answer._id,
    room: question.room ?? null,
    askedBy: question.askedBy,
    askedAt: question.createdAt,
    by: answer.by,
    byName: by.name,
    at: now,
  });
  if (outcome.won) {
    await copyFirstAnswer(question._id, { at: now, by: answer.by, byName: by.name });
    return { answer, first: true };
  }
  if (!question.firstAnswer) {
    // The winner may have stopped between its fact and the copy: copy the fact (the same values whoever writes them).
    const fact = await ClassroomFirstAnswerModel.findById(String(question._id)).lean<ClassroomFirstAnswer>();
    if (fact) await copyFirstAnswer(question._id, { at: fact.at, by: fact.by, byName: fact.byName });
  }
  return { answer, first: false };
}

async function copyFirstAnswer(id: Types.ObjectId, first: { at: Date; by: Types.ObjectId; byName: string }): Promise<void> {
  await ClassroomQuestionModel.updateOne({ _id: id }, { $set: { firstAnswer: first } });
}

/** One first-answer fact of the month, as the report counts it. */
export interface ClassroomFirstAnswerTally {
  room: string | null;
  askedBy: string;
  by: string;
  byName: string;
  /** Minutes from the question to its first answer. */
  minutes: number;
}

export interface ClassroomMonth {
  /** Questions asked in [from, to): room and asker. */
  asked: Array<{ room: string | null; askedBy: string }>;
  /** Questions whose first answer fell in [from, to). */
  firstAnswers: ClassroomFirstAnswerTally[];
  /** Every answer given in [from, to). */
  answers: Array<{ room: string | null; askedBy: string; by: string; byName: string; byRole: string }>;
}

/** The month's 网上课堂 facts of these rooms ('all': every question, also those asked for no room). */
export async function classroomMonth(props: { rooms: string[] | 'all'; from: Date; to: Date }): Promise<ClassroomMonth> {
  const inRooms = props.rooms === 'all' ? {} : { room: { $in: props.rooms } };
  const [asked, firsts, answers] = await Promise.all([
    ClassroomQuestionModel.find({ ...inRooms, createdAt: { $gte: props.from, $lt: props.to } }, { room: 1, askedBy: 1 }).lean<Array<Pick<ClassroomQuestion, 'room' | 'askedBy'>>>(),
    ClassroomFirstAnswerModel.find({ ...inRooms, at: { $gte: props.from, $lt: props.to } }).lean<ClassroomFirstAnswer[]>(),
    ClassroomAnswerModel.find({ ...inRooms, createdAt: { $gte: props.from, $lt: props.to } }, { room: 1, askedBy: 1, by: 1, byName: 1, byRole: 1 }).lean<ClassroomAnswer[]>(),
  ]);
  return {
    asked: asked.map((q) => ({ room: q.room ?? null, askedBy: String(q.askedBy) })),
    firstAnswers: firsts.map((f) => ({ room: f.room ?? null, askedBy: String(f.askedBy), by: String(f.by), byName: f.byName, minutes: Math.max(0, (f.at.getTime() - f.askedAt.getTime()) / 60_000) })),
    answers: answers.map((a) => ({ room: a.room ?? null, askedBy: String(a.askedBy), by: String(a.by), byName: a.byName, byRole: a.byRole })),
  };
}
