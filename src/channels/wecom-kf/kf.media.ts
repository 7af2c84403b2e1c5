import type { Config } from '../../config';
import type { Logger } from '../../logging/logger';
import { amrToWav, storeAttachment } from '../../modules/attachments';
import { loadMemory, saveMemory, stateKey, type ConversationCore, type OutboundReply } from '../../modules/conversations';
import { appendMessage, createItem, findItemByCode, itemById } from '../../modules/items';
import { insertUnique } from '../../storage/unique-insert';
import type { Transcriber } from '../../ai/transcribe';
import type { WecomClient } from '../wecom/client';
import type { WecomSecret } from '../wecom/settings';
import { WecomKfParkedVoiceModel } from './kf.models';

/**
 * What a resident sends that is not text (kf.channel.ts hands it over): a voice message is
 * transcribed and kept on the resident's item, an image is kept there too, anything else is
 * answered with a request to write. Recordings of a resident with no room yet wait (parked)
 * until they pick one.
 */
export interface KfMediaOptions {
  config: Config;
  log: Logger;
  client: WecomClient;
  secret: WecomSecret;
  core: ConversationCore;
  now: () => Date;
  transcriber: Transcriber | null;
  /** The resident's words through the core (kf.channel.ts); resolves the route and the item code. */
  handleText(text: string, msgid: string, conv: string, user: string): Promise<{ route: string; itemCode: string | null }>;
  /** The replies to one message into the outbox, in order (kf.channel.ts). */
  enqueueReplies(msgid: string, conv: string, replies: OutboundReply[], urgent: boolean, first?: number): Promise<void>;
}

export interface KfMedia {
  handleVoice(m: Record<string, unknown>, conv: string, msgid: string, user: string): Promise<string>;
  handleNonText(m: Record<string, unknown>, conv: string, msgid: string): Promise<string>;
  attachParkedVoices(msgid: string, conv: string, user: string, itemCode: string | null, after: number): Promise<void>;
}

export function createKfMedia(options: KfMediaOptions): KfMedia {
  const { config, log, client, secret, now, transcriber, handleText, enqueueReplies } = options;

  /**
   * A voice message (kf/sync_msg `voice.media_id`, AMR as asked with voice_format 0): the
   * recording is downloaded (media/get) and kept on the resident's item (their open one, or a
   * new one in their room), playable in the inbox (as WAV) and downloadable as recorded. With a
   * transcription model the recording goes to it as WAV (OpenAI-compatible endpoints refuse AMR)
   * and the text goes through the core exactly like typed text (an emergency is answered as one,
   * at once); without one, or when it gives nothing, the resident is told an officer will listen
   * to it. A resident with no room yet is asked to pick one; the recording waits (parked) and
   * joins their item in the room they pick.
   */
  async function handleVoice(m: Record<string, unknown>, conv: string, msgid: string, user: string): Promise<string> {
    const mediaId = String((m.voice as { media_id?: unknown } | undefined)?.media_id ?? '');
    const audio = mediaId
      ? await client
          .media(secret, mediaId, 'resident voice')
          .then((r) => r.data)
          .catch((err) => {
            log.warn({ err: err instanceof Error ? err.message : String(err) }, 'customer-service voice not downloaded');
            return null;
          })
      : null;
    const transcript = audio && transcriber ? await transcribe(audio) : null;
    let route = 'voice';
    let itemCode: string | null = null;
    if (transcript) {
      const handled = await handleText(transcript, msgid, conv, user);
      route = `voice:${handled.route}`;
      itemCode = handled.itemCode;
    }
    const voice = audio ? { kind: 'voice' as const, data: audio, text: transcript } : null;
    const code = voice
      ? await attachMedia(conv, user, voice, itemCode).catch((err) => {
          log.warn({ err: err instanceof Error ? err.message : String(err) }, 'customer-service voice not stored');
          return undefined;
        })
      : undefined;
    if (voice && code === null) {
      // No room yet: the recording waits for the resident's pick (the core asked for it if it read a transcript).
      await parkVoice(msgid, conv, user, voice);
      if (!transcript) {
        const ask = await options.core.askForRoom(
          { channel: 'wecom-kf', conversationId: conv, senderId: user, text: '', isGroup: false, mentioned: true, room: null, receivedAt: now() },
          '已收到您的语音。请先选择您所在的警务室，选好后语音会转给该室民警收听；紧急情况请直接拨打110。',
        );
        await enqueueReplies(msgid, conv, [ask], false);
      }
      return `${route}:awaiting-room`;
    }
    if (!transcript) {
      const reply = code
        ? `已收到您的语音，已附在您的事项（编号 ${code}）中，民警会收听后回复您。紧急情况请直接拨打110。`
        : '已收到您的语音。请再用文字简单说明一下情况，方便民警处理；紧急情况请直接拨打110。';
      await enqueueReplies(msgid, conv, [{ text: reply }], false);
    }
    return code ? `${route}:${code}` : route;
  }

  /** The recording as text, sent as WAV; null when it does not decode or the model gives nothing. */
  async function transcribe(amr: Buffer): Promise<string | null> {
    const wav = await amrToWav(amr).catch((err) => {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'voice not decodable; not sent for transcription');
      return null;
    });
    return wav ? transcriber!.transcribe(wav.data, 'voice.wav') : null;
  }

  async function parkVoice(msgid: string, conv: string, user: string, voice: { data: Buffer; text: string | null }): Promise<void> {
    // Keyed by the message: a recovery that handles the message again parks it once.
    await insertUnique(WecomKfParkedVoiceModel, { _id: msgid, conversation: conv, externalUserId: user, data: voice.data, text: voice.text, at: now() });
    log.info({ conv: conv.slice(0, 8) }, 'voice message waits for the resident to pick a room');
  }

  /** The parked recordings of a resident who has just picked a room join their item there; one reply says so. */
  async function attachParkedVoices(msgid: string, conv: string, user: string, itemCode: string | null, after: number): Promise<void> {
    // Documents, not lean objects: mongoose turns the stored binary back into a Buffer.
    const parked = await WecomKfParkedVoiceModel.find({ conversation: conv }).sort({ at: 1 });
    let code: string | null = null;
    for (const p of parked) {
      const attached: string | null = await attachMedia(conv, user, { kind: 'voice', data: p.data, text: p.text ?? null }, itemCode ?? code).catch((err) => {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'parked voice not stored; it stays parked');
        return null;
      });
      if (!attached) continue;
      code = attached;
      await WecomKfParkedVoiceModel.deleteOne({ _id: p._id });
    }
    if (!code) return;
    const reply = `您之前发来的${parked.length > 1 ? ` ${parked.length} 段` : ''}语音已附在您的事项（编号 ${code}）中，民警会收听后回复您。`;
    await enqueueReplies(msgid, conv, [{ text: reply }], false, after);
  }

  async function handleNonText(m: Record<string, unknown>, conv: string, msgid: string): Promise<string> {
    const kind = String(m.msgtype ?? '');
    log.info({ kind, conv: conv.slice(0, 8) }, 'non-text customer-service message');
    if (kind === 'image') {
      const attached = await attachImage(m, conv).catch((err) => {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'customer-service image not stored');
        return null;
      });
      if (attached) {
        await enqueueReplies(msgid, conv, [{ text: `已收到您的图片，已附在您的事项（编号 ${attached}）中，民警会一并查看。紧急情况请直接拨打110。` }], false);
        return `image:${attached}`;
      }
    }
    const reply: OutboundReply =
      kind === 'image' || kind === 'voice'
        ? { text: `已收到您的${kind === 'image' ? '图片' : '语音'}。请再用文字简单说明一下情况，方便民警处理；紧急情况请直接拨打110。` }
        : { text: '暂时只能处理文字消息，请用文字描述您的问题。紧急情况请直接拨打110。' };
    await enqueueReplies(msgid, conv, [reply], false);
    return `non-text:${kind}`;
  }

  /**
   * The resident's image joins their open item (downloaded with media/get and stored like any
   * attachment); without an open item but with a room, it starts one for the room's officers.
   * Resolves the item code, or null when there is no room yet (the resident is asked to write).
   */
  async function attachImage(m: Record<string, unknown>, conv: string): Promise<string | null> {
    const mediaId = String((m.image as { media_id?: unknown } | undefined)?.media_id ?? '');
    if (!mediaId) return null;
    return attachMedia(conv, String(m.external_userid ?? ''), { mediaId, kind: 'image' });
  }

  /**
   * Stores a resident's image or voice recording on their open item, or on a new item of their
   * room; the item code, or null when there is no room yet. An image is downloaded here; a
   * recording comes downloaded (it was also transcribed), with its transcription if any.
   */
  async function attachMedia(
    conv: string,
    user: string,
    media: { kind: 'image'; mediaId: string } | { kind: 'voice'; data: Buffer; text: string | null },
    /** The item the core just filed this message under (a transcribed voice message), if any. */
    itemCode: string | null = null,
  ): Promise<string | null> {
    const key = stateKey('wecom-kf', conv, user);
    const memory = await loadMemory(key, now(), config.CONVERSATION_IDLE_MINUTES);
    let item = itemCode ? await findItemByCode(itemCode) : null;
    if (!item && memory.openItem) item = await itemById(memory.openItem.id);
    if (item && (item.status === 'resolved' || item.status === 'closed')) item = null;
    if (!item && !memory.room) return null;
    const data = media.kind === 'image' ? (await client.media(secret, media.mediaId, 'resident image')).data : media.data;
    const at = now();
    const label = media.kind === 'image' ? '[图片]' : media.text ? `[语音] ${media.text}` : '[语音，未转写，请播放收听]';
    if (!item) {
      item = await createItem({
        room: memory.room!,
        kind: 'question',
        text: media.kind === 'image' ? '[居民通过微信客服发来一张图片]' : media.text ? `[居民通过微信客服发来语音] ${media.text}` : '[居民通过微信客服发来一段语音]',
        origin: { channel: 'wecom-kf', conversationId: conv, senderId: user },
        slaMinutes: config.SLA_MINUTES,
        now: at,
      });
      await saveMemory({ key, channel: 'wecom-kf', conversationId: conv, senderId: user }, { openItem: { id: item._id, code: item.code } }, at);
    }
    const attachment = await storeAttachment({ dataDir: config.DATA_DIR, maxBytes: config.ATTACHMENT_MAX_KB * 1024, item, buffer: data, source: 'wechat', uploadedBy: 'resident', now: at, audio: media.kind === 'voice' });
    await appendMessage({ item: item._id, author: 'resident', kind: 'message', text: label, attachments: [String(attachment._id)], at });
    return item.code;
  }

  return { handleVoice, handleNonText, attachParkedVoices };
}
