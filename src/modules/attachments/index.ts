/** The attachments module's front door: what other code may use. */
export type { Attachment } from './attachment.model';
export { attachmentsByIds, attachmentsOfItem, discardAttachment, findAttachment, presentAttachment, readAttachment, storeAttachment } from './attachment.service';
export { amrToWav } from './voice';
