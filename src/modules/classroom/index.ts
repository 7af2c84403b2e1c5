/** 网上课堂 (the officers' question-and-answer board) and its way into the residents' FAQ: what other code may use. */
export { CLASSROOM_CATEGORIES, CLASSROOM_CATEGORY_LABELS } from './classroom.categories';
export { presentAnswer, presentProposal, presentQuestion, presentQuestionSummary } from './classroom.presenter';
export { answerCounts, answerQuestion, answersOf, askQuestion, classroomMonth, CLASSROOM_PAGE_SIZE, listQuestions, loadQuestion, type ClassroomActor, type ClassroomMonth } from './classroom.service';
export { decideProposal, listProposals, loadProposal, proposalsOfQuestion, proposeForFaq } from './classroom.review';
