import { Types } from 'mongoose';
import { conflict, DomainError, forbidden, notFound } from '../../lib/errors';
import { maskPersonalData } from '../../lib/mask';
import { insertUnique } from '../../storage/unique-insert';
import { createFaq } from '../faq';
import {
  ClassroomFaqDecisionModel,
  ClassroomFaqProposalModel,
  type ClassroomFaqDecision,
  type ClassroomFaqProposal,
  type ClassroomQuestion,
} from './classroom.model';
import type { ClassroomActor } from './classroom.service';

/**
 * From 网上课堂 to the residents' FAQ: a supervisor or admin proposes a question and answer written
 * for residents; another admin approves (it becomes an FAQ entry the bot answers with) or rejects.
 * Proposals and decisions are insert-only; a proposal is decided once (the decision's `_id` is the
 * proposal's).
 */
export type ProposalWithDecision = ClassroomFaqProposal & { decision: ClassroomFaqDecision | null };

export async function proposeForFaq(props: { question: ClassroomQuestion; by: ClassroomActor; faqQuestion: string; faqAnswer: string; now: Date }): Promise<ProposalWithDecision> {
  const doc = await ClassroomFaqProposalModel.create({
    question: props.question._id,
    questionTitle: props.question.title,
    proposedBy: new Types.ObjectId(props.by.id),
    proposedByName: props.by.name,
    faqQuestion: maskPersonalData(props.faqQuestion),
    faqAnswer: maskPersonalData(props.faqAnswer),
    createdAt: props.now,
  });
  return { ...(doc.toObject() as ClassroomFaqProposal), decision: null };
}

async function withDecisions(proposals: ClassroomFaqProposal[]): Promise<ProposalWithDecision[]> {
  if (!proposals.length) return [];
  const decisions = await ClassroomFaqDecisionModel.find({ _id: { $in: proposals.map((p) => String(p._id)) } }).lean<ClassroomFaqDecision[]>();
  const byId = new Map(decisions.map((d) => [d._id, d]));
  return proposals.map((p) => ({ ...p, decision: byId.get(String(p._id)) ?? null }));
}

/** Proposals, newest first: pending ones, or the latest decided ones. */
export async function listProposals(props: { status: 'pending' | 'decided'; limit: number }): Promise<ProposalWithDecision[]> {
  const all = await withDecisions(await ClassroomFaqProposalModel.find({}).sort({ createdAt: -1, _id: -1 }).limit(500).lean<ClassroomFaqProposal[]>());
  return all.filter((p) => (props.status === 'pending') === (p.decision === null)).slice(0, props.limit);
}

export async function proposalsOfQuestion(questionId: Types.ObjectId): Promise<ProposalWithDecision[]> {
  return withDecisions(await ClassroomFaqProposalModel.find({ question: questionId }).sort({ createdAt: 1, _id: 1 }).lean<ClassroomFaqProposal[]>());
}

export async function loadProposal(id: string): Promise<ProposalWithDecision> {
  const p = Types.ObjectId.isValid(id) ? await ClassroomFaqProposalModel.findById(id).lean<ClassroomFaqProposal>() : null;
  if (!p) throw notFound('未找到该提议（Proposal not found）', 'proposal_not_found');
  return (await withDecisions([p]))[0];
}

/** The FAQ id an approved proposal gets: one per proposal, so an approval retried creates no second entry. */
const faqIdOf = (proposal: { _id: Types.ObjectId }) => `ketang-${String(proposal._id)}`;

/**
 * An admin decides a proposal, once. The reviewer must not be its proposer (four eyes). Approval
 * creates the FAQ entry through the faq module; if that fails, the decision is withdrawn so the
 * proposal can be reviewed again.
 */
export async function decideProposal(props: { proposal: ProposalWithDecision; by: ClassroomActor; decision: 'approved' | 'rejected'; reason: string; now: Date }): Promise<ProposalWithDecision> {
  const { proposal, by } = props;
  if (String(proposal.proposedBy) === by.id) throw forbidden('不能审核自己提交的提议，请由另一位管理员审核（Another admin must review your proposal）', 'own_proposal');
  if (proposal.decision) throw conflict('该提议已审核（Proposal already decided）', 'proposal_decided');
  const faqId = props.decision === 'approved' ? faqIdOf(proposal) : null;
  const outcome = await insertUnique<ClassroomFaqDecision>(ClassroomFaqDecisionModel, {
    _id: String(proposal._id),
    decision: props.decision,
    by: new Types.ObjectId(by.id),
    byName: by.name,
    at: props.now,
    reason: maskPersonalData(props.reason),
    faqId,
  });
  if (!outcome.won) throw conflict('该提议已由其他管理员审核（Proposal already decided）', 'proposal_decided');
  if (faqId) {
    try {
      await createFaq({ id: faqId, question: proposal.faqQuestion, answer: proposal.faqAnswer, keywords: [], service: null, active: true });
    } catch (err) {
      // An entry of this id already there is this very approval's (the ids are per proposal).
      if (err instanceof DomainError && err.code === 'faq_exists') return { ...proposal, decision: outcome.doc };
      await ClassroomFaqDecisionModel.deleteOne({ _id: String(proposal._id) });
      throw err;
    }
  }
  return { ...proposal, decision: outcome.doc };
}
