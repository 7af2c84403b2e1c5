import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Types } from 'mongoose';
import { badRequest, tooLarge, unsupportedType } from '../../lib/errors';
import type { Item } from '../items';
import { AttachmentModel, type Attachment, type AttachmentType } from './attachment.model';

const EXTENSIONS: Record<AttachmentType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'audio/amr': 'amr' };

/** AMR-NB/WB recordings (WeChat voice messages) start with this header. */
export function isAmr(buf: Buffer): boolean {
  return buf.length > 6 && buf.toString('latin1', 0, 5) === '#!AMR';
}

/** The image type by its first bytes (never by the file name or the declared type, which the sender controls). */
export function sniffImageType(buf: Buffer): AttachmentType | null {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg';
  if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/**
 * The picture re-encoded without its metadata: EXIF (GPS position, device, time), XMP, IPTC and ICC
 * blocks are dropped (sharp keeps none unless asked); the orientation is applied to the pixels first,
 * so the picture looks as it did. A file that does not decode as the image it claims to be is refused.
 */
export async function withoutMetadata(buffer: Buffer, mime: AttachmentType): Promise<Buffer> {
  // sharp (and libvips) is loaded with the first picture, not at start-up.
  const { default: sharp } = await import('sharp');
  try {
    const image = sharp(buffer, { failOn: 'error' }).rotate();
    if (mime === 'image/jpeg') return await image.jpeg({ quality: 90, mozjpeg: true }).toBuffer();
    if (mime === 'image/png') return await image.png().toBuffer();
    return await image.webp({ quality: 90 }).toBuffer();
  } catch {
    throw badRequest('图片已损坏，无法读取（The image could not be read）', undefined, 'unreadable_image');
  }
}

export interface StoreAttachmentProps {
  dataDir: string;
  maxBytes: number;
  /** What the image belongs to: an item's thread, or (`workLog`) an officer's work-log entry. */
  item?: Pick<Item, '_id' | 'room'>;
  workLog?: { _id: Types.ObjectId; room: string };
  buffer: Buffer;
  source: 'web' | 'wechat' | 'officer';
  uploadedBy: 'resident' | 'tipster' | 'officer';
  officerId?: string | null;
  now?: Date;
  /** A resident's voice message (AMR, kept as recorded): only the WeChat channels pass this. */
  audio?: boolean;
}

export function attachmentsDir(dataDir: string): string {
  return path.resolve(dataDir, 'attachments');
}

/**
 * Checks and stores one image; returns its record. Callers add it to the thread (an
 * ItemMessage with `attachments: [id]`). Used by the web routes and by the WeChat flow
 * (pass the image bytes the bot downloaded, source 'wechat').
 */
export async function storeAttachment(props: StoreAttachmentProps): Promise<Attachment> {
  const owner = props.item ?? props.workLog;
  if (!owner || (props.item && props.workLog)) throw new Error('storeAttachment: give exactly one of item and workLog');
  if (props.buffer.length === 0) throw badRequest('图片为空（Empty file）', undefined, 'empty_file');
  if (props.buffer.length > props.maxBytes) {
    throw tooLarge(`图片不能超过 ${Math.floor(props.maxBytes / 1024)} KB（Image too large）`, 'attachment_too_large');
  }
  const mime = props.audio ? (isAmr(props.buffer) ? 'audio/amr' : null) : sniffImageType(props.buffer);
  if (!mime) throw unsupportedType(props.audio ? '语音格式无法识别（Only AMR voice messages）' : '只能上传 JPG、PNG 或 WebP 图片（Only JPEG, PNG or WebP images）', 'unsupported_attachment');
  // A recording is kept as it came (AMR carries no position or device data); images lose their metadata.
  const clean = mime === 'audio/amr' ? props.buffer : await withoutMetadata(props.buffer, mime);
  const storedName = `${randomBytes(16).toString('hex')}.${EXTENSIONS[mime]}`;
  const dir = attachmentsDir(props.dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(path.join(dir, storedName), clean, { mode: 0o600, flag: 'wx' });
  const created = await AttachmentModel.create({
    item: props.item?._id ?? null,
    workLog: props.workLog?._id ?? null,
    room: owner.room,
    storedName,
    mime,
    size: clean.length,
    sha256: createHash('sha256').update(clean).digest('hex'),
    source: props.source,
    uploadedBy: props.uploadedBy,
    officer: props.officerId ?? null,
    at: props.now ?? new Date(),
  });
  return created.toObject() as Attachment;
}

/** One attachment by its id; null for an id that is not an ObjectId or names nothing. */
export async function findAttachment(id: string): Promise<Attachment | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  return AttachmentModel.findById(id).lean<Attachment>();
}

/** The attachments among `ids` that belong to this item (an id from another item's thread is dropped). */
export async function attachmentsOfItem(itemId: Types.ObjectId, ids: readonly string[]): Promise<Attachment[]> {
  const valid = ids.filter((id) => Types.ObjectId.isValid(id));
  if (valid.length === 0) return [];
  return AttachmentModel.find({ _id: { $in: valid }, item: itemId }).lean<Attachment[]>();
}

export async function readAttachment(dataDir: string, attachment: Attachment): Promise<Buffer> {
  // storedName is validated by the schema (hex + extension), so it cannot leave the directory.
  return readFile(path.join(attachmentsDir(dataDir), attachment.storedName));
}

/** Removes an image stored by mistake (e.g. the loser of two concurrent uploads of the same photo). */
export async function discardAttachment(dataDir: string, attachment: Pick<Attachment, '_id' | 'storedName'>): Promise<void> {
  await AttachmentModel.deleteOne({ _id: attachment._id });
  await rm(path.join(attachmentsDir(dataDir), attachment.storedName), { force: true });
}

/** The image records with these ids. */
export async function attachmentsByIds(ids: ReadonlyArray<Types.ObjectId | string>): Promise<Attachment[]> {
  if (!ids.length) return [];
  return AttachmentModel.find({ _id: { $in: [...ids] } }).lean<Attachment[]>();
}

export function presentAttachment(a: Pick<Attachment, '_id' | 'mime' | 'size' | 'uploadedBy' | 'at'>) {
  const url = `/api/attachments/${String(a._id)}`;
  // A voice recording is kept as AMR (the download); browsers play its WAV rendition.
  const playUrl = a.mime === 'audio/amr' ? `${url}/playable` : null;
  return { id: String(a._id), url, playUrl, mime: a.mime, size: a.size, uploadedBy: a.uploadedBy, at: a.at };
}
