/** The inbox module's front door: what other code may use. */
export { claimItem, nextItem, releaseItem, reopenItem, resolveItem, setLabels, transferItem } from './claims.service';
export { onItemResolved } from './inbox.events';
export { presentCannedReply, presentItemDetail, presentItemSummary, presentThreadMessage } from './inbox.presenter';
export { listInbox, loadItem, loadThread, officerNames, transferTargets } from './inbox.queries';
export type { Actor, InboxSettings, ReplyNoticeSender } from './inbox.types';
export { addNote, addResidentMessage, replyToItem } from './replies.service';
export { cannedReplyById, createCannedReply, deleteCannedReply, listCannedReplies } from './canned-replies';
export { transitionLog } from './transition-log';
