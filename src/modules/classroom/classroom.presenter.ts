import { CLASSROOM_CATEGORY_LABELS } from './classroom.categories';
import type { ClassroomAnswer, ClassroomQuestion } from './classroom.model';
import type { ProposalWithDecision } from './classroom.review';

const EXCERPT = 120;

/** A question in a list: an excerpt of its text, no search words. */
export function presentQuestionSummary(q: ClassroomQuestion, answers: number) {
  return {
    id: String(q._id),
    category: q.category,
    categoryLabel: CLASSROOM_CATEGORY_LABELS[q.category],
    title: q.title,
    excerpt: q.body.length > EXCERPT ? `${q.body.slice(0, EXCERPT)}…` : q.body,
    room: q.room ?? null,
    askedBy: { id: String(q.askedBy), name: q.askedByName },
    createdAt: q.createdAt.toISOString(),
    answers,
    firstAnsweredAt: q.firstAnswer ? q.firstAnswer.at.toISOString() : null,
  };
}

export function presentAnswer(a: ClassroomAnswer) {
  return { id: String(a._id), by: { id: String(a.by), name: a.byName, role: a.byRole }, body: a.body, createdAt: a.createdAt.toISOString() };
}

export function presentProposal(p: ProposalWithDecision) {
  return {
    id: String(p._id),
    question: { id: String(p.question), title: p.questionTitle },
    proposedBy: { id: String(p.proposedBy), name: p.proposedByName },
    faqQuestion: p.faqQuestion,
    faqAnswer: p.faqAnswer,
    createdAt: p.createdAt.toISOString(),
    status: p.decision ? p.decision.decision : 'pending',
    decision: p.decision
      ? { by: { id: String(p.decision.by), name: p.decision.byName }, at: p.decision.at.toISOString(), reason: p.decision.reason ?? '', faqId: p.decision.faqId ?? null }
      : null,
  };
}

/** A question with its answers and FAQ proposals. */
export function presentQuestion(q: ClassroomQuestion, answers: ClassroomAnswer[], proposals: ProposalWithDecision[]) {
  return {
    ...presentQuestionSummary(q, answers.length),
    body: q.body,
    firstAnswer: q.firstAnswer ? { at: q.firstAnswer.at.toISOString(), by: { id: String(q.firstAnswer.by), name: q.firstAnswer.byName } } : null,
    answerList: answers.map(presentAnswer),
    proposals: proposals.map(presentProposal),
  };
}
