import { roomByCode } from '../rooms';
import type { ChannelName } from '../../lib/channel-names';
import { badRequest } from '../../lib/errors';
import { normalizeCode } from '../../lib/codes';
import { recordAudit } from '../audit';
import { applyToQueue, createItem, findItemByCode, type Item, type ItemMessage, loadThread } from '../items';
import { addResidentMessage } from '../inbox';
import { generateTipSecret, hashTipSecret, verifyTipSecret } from './tip.secret';

export interface TipOrigin {
  channel: ChannelName;
  conversationId: string;
  senderId?: string;
  isGroup?: boolean;
  account?: string;
}

export interface SubmitTipProps {
  room: string;
  text: string;
  anonymous: boolean;
  contact?: { name?: string; phone?: string } | null;
  /** Where a named tip came from (replies go back there). Ignored — never stored — for anonymous tips. */
  origin?: TipOrigin | null;
  now?: Date;
  /** config.SLA_MINUTES; defaults to the built-in SLA per kind. */
  slaMinutes?: Partial<Record<string, number>>;
  /** Labels the officers see on the item (e.g. 信息员: a volunteer's named tip). */
  labels?: string[];
}

export interface SubmitTipResult {
  code: string;
  /**
   * Shown to the tipster exactly once. Every tip gets one (anonymous or not): with code +
   * secret a tipster can always check progress and talk to officers on the tip page or
   * through the bot. Only its argon2id hash is stored.
   */
  secret: string;
  item: Item;
}

/**
 * Files a tip (kind 'tip', code J…). Anonymous tips keep no identity at all: no origin, no
 * contact, no sender name. Tips from a group are never answered in the group: the inbox
 * only answers a tip in a private chat or in the thread.
 */
export async function submitTip(props: SubmitTipProps): Promise<SubmitTipResult> {
  const room = await roomByCode(props.room.toUpperCase(), { activeOnly: true, fields: ['code'] });
  if (!room) throw badRequest('未找到该警务室（Room not found）', undefined, 'room_not_found');
  const now = props.now ?? new Date();
  const secret = generateTipSecret();
  const contact = props.anonymous ? null : cleanContact(props.contact);
  const origin = props.anonymous ? null : privateOrigin(props.origin);
  const item = await createItem({
    room: room.code,
    kind: 'tip',
    text: props.text,
    anonymous: props.anonymous,
    origin,
    contact,
    secretHash: await hashTipSecret(secret),
    slaMinutes: props.slaMinutes,
    labels: props.labels,
    now,
    codeKind: 'tip',
  });
  await Promise.all([
    applyToQueue(item),
    recordAudit({ actor: { kind: 'tipster' }, action: 'tip.create', item, at: now, detail: props.anonymous ? '匿名' : props.labels?.includes('信息员') ? '实名（信息员）' : '实名' }),
  ]);
  return { code: item.code, secret, item };
}

/**
 * Tips never go to groups: a named tip raised in a group is answered in the sender's
 * private chat (a WeChat private conversation's id is the contact id); without a sender,
 * replies stay in the thread (read with code + secret).
 */
function privateOrigin(origin: TipOrigin | null | undefined): TipOrigin | null {
  if (!origin) return null;
  if (!origin.isGroup) return { ...origin, isGroup: false };
  if (!origin.senderId) return null;
  return { channel: origin.channel, conversationId: origin.senderId, senderId: origin.senderId, isGroup: false, account: origin.account };
}

function cleanContact(contact: SubmitTipProps['contact']): { name?: string; phone?: string } | null {
  if (!contact) return null;
  const name = contact.name?.trim() || undefined;
  const phone = contact.phone?.replace(/[\s-]/g, '') || undefined;
  return name || phone ? { name, phone } : null;
}

/**
 * The tip behind a code, when the secret matches; null otherwise. Unknown codes, other
 * kinds of code and wrong secrets all answer null after the same argon2 work, so the
 * answer (and its timing) tells nothing about which codes exist.
 */
export async function openTip(codeInput: string, secret: string | undefined | null): Promise<Item | null> {
  const code = normalizeCode(codeInput ?? '');
  const found = code?.startsWith('J') ? await findItemByCode(code, { withSecret: true }) : null;
  const item = found?.kind === 'tip' ? found : null;
  const ok = await verifyTipSecret(item?.secretHash, secret);
  if (!ok || !item) return null;
  delete (item as Partial<Item>).secretHash;
  return item;
}

/** What a tipster sees of the thread: their own messages and officers' replies (never notes or internal events). */
export async function tipsterThread(item: Pick<Item, '_id'>): Promise<ItemMessage[]> {
  return (await loadThread(item._id)).filter((m) => m.kind === 'message' || m.kind === 'reply').slice(-500);
}

/** The tipster writes again (web page or bot, after openTip). */
export async function addTipsterMessage(props: { item: Item; text: string; attachments?: string[]; now?: Date; leaseMinutes?: number }) {
  return addResidentMessage({
    itemId: props.item._id,
    text: props.text,
    attachments: props.attachments,
    actorKind: 'tipster',
    now: props.now,
    leaseMinutes: props.leaseMinutes,
  });
}

/** Told to every tipster with their code and secret (web page, bot). */
export const TIP_RECEIPT_MESSAGE =
  '您的线索已提交。请立即保存「查询编号」和「查询密码」（截图、抄写或下载保存）：密码只显示这一次，警务室也无法找回。' +
  '凭编号和密码可随时在“线索举报”页面查看处理进度、与民警匿名沟通。' +
  '请注意：通过微信发送的消息对微信平台并不匿名；如需完全匿名，请使用网页提交和查询。紧急情况请直接拨打110。';
