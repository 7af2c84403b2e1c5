import type { InboundMessage, OutboundReply } from './messages';
import type { GroundedAnswerer } from '../../ai/grounded-answer';
import { safeForGroup } from '../../ai/group-answer';
import type { Config } from '../../config';
import type { Logger } from '../../logging/logger';
import { decideEmergency, decideIntent } from './decide';
import type { Analysis } from '../../understanding/types';
import { createItem, DEFAULT_SLA_MINUTES } from '../items';
import { openServices } from './ambiguity';
import { handleEmergency } from './emergency';
import { handleSurveyAnswer, type SurveySettings } from '../surveys';
import { type Room } from '../rooms';
import { getFlow } from './flows';
import { originOf } from './flows/common';
import type { ChatVerification, Flow, FlowContext, FlowResult, FlowState } from './flows/types';
import { appendResidentMessage, findJoinableItem } from './item-thread';
import type { Knowledge, ServiceInfo } from './knowledge';
import * as say from './replies';
import { emptyMemory, loadMemory, saveMemory, stateKey, type ConversationMemory, type MemoryUpdate } from './state.service';

/**
 * The channel-agnostic conversation core. One inbound message in, the replies out (the
 * channel delivers them), plus side effects: items for officers, thread messages, memory.
 *
 * Order of decisions (each step may answer and stop):
 *  1. emergency (local rules, never a network call) → numbers + "not an emergency line" + flagged item
 *  2. satisfaction survey answers (the surveys module)
 *  3. commands from quick replies (菜单, 选择警务室 X, 退出 …)
 *  4. the open multi-turn flow, if any
 *  5. a further message on the conversation's open item → joins its thread
 *  6. the intent: chitchat / info / service_question / appointment / tip / dispute / complaint / status
 */

export interface ConversationDeps {
  config: Config;
  logger: Logger;
  knowledge: Knowledge;
  /** Grounded answers by a language model (src/ai); optional. It never sees emergencies. */
  ai?: GroundedAnswerer | null;
  /** The survey window and follow-up SLAs, from this process's config. */
  surveys: SurveySettings;
  /** SMS verification codes (the chat booking flow asks for one when SMS is on). */
  verification?: ChatVerification | null;
  now?: () => Date;
}

export interface HandleResult {
  replies: OutboundReply[];
  /** The room the conversation talks to after this message (private chats may have picked one). */
  room: string | null;
  /** What the core decided, for logs and tests (no message text). */
  route: string;
  /** Code of an item created or joined by this message. */
  itemCode?: string;
  /**
   * The decision the core acted on (decide.ts; the same `npm run triage` reports), when the message
   * reached it (menu commands, survey answers and open flows decide nothing new).
   */
  decision?: { intent: Analysis['intent']; service: string | null; emergency: boolean };
}

const EXIT = /^(退出|结束|不办了|返回菜单)$/;
const MENU = /^(菜单|主菜单|帮助|help|menu|\?|？)$/i;
const PICK_ROOM = new RegExp(`^${say.COMMANDS.pickRoom}\\s*([A-Za-z0-9]{2,16})$`);
const THANKS = /谢|感谢|辛苦/;

/** Intents that start a flow, by flow name. */
const FLOW_FOR_INTENT: Partial<Record<Analysis['intent'], string>> = {
  appointment: 'booking',
  tip: 'tip',
  dispute: 'dispute',
  complaint: 'complaint',
  status: 'status',
};

/** Minimum retrieval score for answering straight from an FAQ entry. */
export const FAQ_ANSWER_MIN_SCORE = 20;

export async function handleInbound(msg: InboundMessage, deps: ConversationDeps): Promise<HandleResult> {
  const now = deps.now?.() ?? msg.receivedAt ?? new Date();
  const text = msg.text.trim();
  const log = deps.logger.child({ channel: msg.channel, group: msg.isGroup });
  if (!text) return { replies: [], room: msg.room, route: 'empty' };

  // 1. Emergency first, local and before anything else: the rules, then the local safety-net
  //    classifier for phrasings the rules have not seen (a message that might be one is one).
  const emergency = decideEmergency(text);
  const key = stateKey(msg.channel, msg.conversationId, msg.senderId);
  const ids = { key, channel: msg.channel, conversationId: msg.conversationId, senderId: msg.senderId };
  const remembered = () => (msg.newConversation ? Promise.resolve(emptyMemory(key)) : loadMemory(key, now, deps.config.CONVERSATION_IDLE_MINUTES));
  if (emergency) {
    const memory = await remembered().catch(() => null);
    const res = await handleEmergency(msg, emergency, msg.room ?? memory?.room ?? null, deps.config, now, log);
    return { ...res, decision: { intent: 'emergency', service: null, emergency: true } };
  }

  // Satisfaction survey answers (src/modules/surveys, handleSurveyAnswer) are recognised here:
  // after the emergency check, before anything else.
  // The memory is read alongside the survey check (both are look-ups by key); when the
  // message answers a survey, the memory read is simply not used.
  const memoryRead = remembered();
  memoryRead.catch(() => undefined); // its failure surfaces below, if it is awaited
  if (!msg.newConversation) {
    const replies = await handleSurveyAnswer(msg, deps.surveys);
    if (replies) return { replies, room: msg.room, route: 'survey' };
  }

  const memory = await memoryRead;
  const roomCode = msg.room ?? memory.room;
  const room = await deps.knowledge.room(roomCode);
  const turn = new Turn(msg, deps, memory, room, now, log);
  const result = await turn.run(text);
  const update = turn.memoryUpdate();
  if (update) await saveMemory(ids, update, now);
  return result;
}

/** See ConversationCore.askForRoom. */
export async function askForRoom(msg: InboundMessage, why: string, deps: ConversationDeps): Promise<OutboundReply> {
  const now = deps.now?.() ?? msg.receivedAt ?? new Date();
  const ids = { key: stateKey(msg.channel, msg.conversationId, msg.senderId), channel: msg.channel, conversationId: msg.conversationId, senderId: msg.senderId };
  await saveMemory(ids, { flow: { flow: 'room', step: 'pick', data: { pending: '' } } }, now);
  return say.pickRoomReply(await deps.knowledge.rooms(), why);
}

/** One message's decisions; collects the memory changes to write once at the end. */
class Turn {
  private update: MemoryUpdate = {};
  private touched = false;

  constructor(
    private readonly msg: InboundMessage,
    private readonly deps: ConversationDeps,
    private readonly memory: ConversationMemory,
    private room: Room | null,
    private readonly now: Date,
    private readonly log: Logger,
  ) {}

  memoryUpdate(): MemoryUpdate | null {
    if (this.touched) return this.update;
    // Nothing changed: refresh lastActivityAt (used to purge long-idle memory) at most hourly.
    const last = this.memory.lastActivityAt?.getTime() ?? 0;
    return this.memory.exists && this.now.getTime() - last > 3_600_000 ? {} : null;
  }

  private remember(update: MemoryUpdate): void {
    Object.assign(this.update, update);
    this.touched = true;
  }

  private result(route: string, replies: OutboundReply[], extra: Partial<HandleResult> = {}): HandleResult {
    return { replies, room: this.room?.code ?? this.msg.room ?? null, route, ...extra };
  }

  async run(text: string): Promise<HandleResult> {
    // 3. Commands.
    if (MENU.test(text)) {
      if (this.memory.flow) this.remember({ flow: null });
      return this.result('menu', [say.menuReply()]);
    }
    if (EXIT.test(text) && this.memory.flow) {
      this.remember({ flow: null });
      return this.result('exit', [{ text: '好的，已退出。', options: say.mainMenuOptions() }]);
    }
    const pick = PICK_ROOM.exec(text);
    if (pick && !this.msg.isGroup) return this.pickRoom(pick[1].toUpperCase());
    if (text === say.COMMANDS.services) return this.result('services', [say.serviceListReply(await this.deps.knowledge.services())]);

    // 4. The open flow.
    const und = await this.deps.knowledge.understanding();
    // The same decision `npm run triage` reports (decide.ts).
    const analysis = decideIntent(und, text, await this.deps.knowledge.services());
    const decision = { intent: analysis.intent, service: analysis.service, emergency: analysis.emergency !== null };

    if (this.memory.flow?.flow === 'room') return this.afterRoomPicked(text);
    if (this.memory.flow) {
      const flow = getFlow(this.memory.flow.flow);
      if (flow) return this.runFlow(flow, analysis, this.memory.flow, 'resume');
      this.remember({ flow: null });
    }

    // 5. A further message on an open item joins its thread.
    // An anonymous tip is never joined to an item that carries the resident's identity.
    if (this.memory.openItem && !this.msg.isGroup && !analysis.code && !/匿名/.test(text)) {
      const item = await findJoinableItem(this.memory.openItem.id, this.now, this.deps.config.ITEM_REOPEN_HOURS);
      if (!item) this.remember({ openItem: null });
      else if (joinsThread(analysis, item.kind, item.status)) {
        const { reopened } = await appendResidentMessage(item, this.msg.text, this.now, this.deps.config.CLAIM_LEASE_MINUTES);
        this.log.info({ code: item.code, reopened }, 'resident message joined item thread');
        return this.result('thread', [say.joinedThreadReply(item.code)], { itemCode: item.code });
      }
    }

    // 6. The intent.
    return { ...(await this.routeIntent(analysis, text)), decision };
  }

  private async routeIntent(analysis: Analysis, text: string): Promise<HandleResult> {
    const { config, knowledge } = this.deps;
    switch (analysis.intent) {
      case 'emergency':
        // The emergency check already ran; the understanding core may know one more cue.
        return handleEmergency(this.msg, analysis.emergency ?? { kind: 'police', numbers: ['110'] }, this.room?.code ?? null, this.deps.config, this.now, this.log);
      case 'chitchat':
        return this.result('chitchat', [THANKS.test(text) ? say.thanksReply() : say.greetingReply(this.room, config.BOT_NAME)]);
      case 'info': {
        if (!this.room) return this.needRoom(text);
        return this.result('info', [say.infoReply(this.room, await knowledge.roomOfficers(this.room.code))]);
      }
      case 'service_question':
        return this.answerQuestion(analysis, text);
      case 'appointment':
      case 'tip':
      case 'dispute':
      case 'complaint':
      case 'status': {
        const flowName = FLOW_FOR_INTENT[analysis.intent]!;
        const flow = getFlow(flowName);
        if (!flow) return this.result('appointment_handoff', [say.appointmentHandoffReply(this.room)]);
        if (flow.personalData && this.msg.isGroup) return this.groupHandoff(flowName);
        if (!this.room && flowName !== 'status') return this.needRoom(text);
        return this.runFlow(flow, analysis, null, 'start');
      }
    }
  }

  private async runFlow(flow: Flow, analysis: Analysis, state: FlowState | null, how: 'start' | 'resume'): Promise<HandleResult> {
    const ctx: FlowContext = {
      message: this.msg,
      analysis,
      room: this.room,
      state,
      now: this.now,
      config: this.deps.config,
      verification: this.deps.verification ?? null,
      logger: this.log,
      openItemCode: this.memory.openItem?.code ?? null,
    };
    const res: FlowResult = how === 'start' ? await flow.start(ctx) : await flow.resume(ctx);
    if (res.pass && how === 'resume') {
      // Not the flow's message (thanks, a new question): the flow ends, the message is answered as itself.
      this.remember({ flow: null });
      return this.routeIntent(analysis, this.msg.text.trim());
    }
    if (how === 'start' && res.state === null && !this.memory.flow) {
      // A flow that answered in one go leaves no state behind (nothing to write).
    } else {
      this.remember({ flow: res.state });
    }
    if (res.linkItem) this.remember({ openItem: res.linkItem });
    return this.result(`flow:${flow.name}:${how}`, res.replies, res.linkItem ? { itemCode: res.linkItem.code } : {});
  }

  private async answerQuestion(analysis: Analysis, text: string): Promise<HandleResult> {
    const { knowledge, ai } = this.deps;
    // "户口迁移要什么材料": moving in and moving out differ; both cards, said so, rather than a guess.
    const open = openServices(text);
    if (open) {
      const cards = (await Promise.all(open.services.map((key) => knowledge.service(key)))).filter((s): s is ServiceInfo => Boolean(s));
      if (cards.length > 1) return this.result('service_answer', [say.serviceChoiceAnswerReply(open.lead, cards, this.room)]);
    }
    const service = analysis.service ? await knowledge.service(analysis.service) : null;
    const topFaq = analysis.faqHits.find((h) => h.kind === 'faq' && h.score >= FAQ_ANSWER_MIN_SCORE);
    const faq = topFaq ? await knowledge.faqEntry(topFaq.id) : null;

    if (ai && (service || faq)) {
      const answered = await this.askModel(text, analysis, service);
      if (answered) return this.result('service_answer:ai', [answered]);
    }
    if (service) {
      // A matching FAQ entry about the same service answers the specific question; the catalog card follows.
      if (faq && faq.service === service.key && analysis.confidence < 0.9) {
        return this.result('faq_answer', [say.faqAnswerReply(faq, this.room), say.serviceAnswerReply(service, this.room)]);
      }
      return this.result('service_answer', [say.serviceAnswerReply(service, this.room)]);
    }
    if (faq) return this.result('faq_answer', [say.faqAnswerReply(faq, this.room)]);
    return this.escalate(text);
  }

  /** The model path: grounded only in retrieved entries; any failure falls back to the local answer (null). */
  private async askModel(text: string, analysis: Analysis, service: ServiceInfo | null): Promise<OutboundReply | null> {
    const { knowledge, ai } = this.deps;
    const sources: Array<{ id: string; title: string; text: string }> = [];
    if (service) sources.push({ id: `service:${service.key}`, title: service.name, text: say.serviceAnswerText(service, this.room) });
    const hits = (await knowledge.understanding()).retrieve(text, 4);
    for (const h of [...analysis.faqHits, ...hits]) {
      if (sources.length >= 5) break;
      const id = `${h.kind}:${h.id}`;
      if (sources.some((s) => s.id === id)) continue;
      if (h.kind === 'faq') {
        const e = await knowledge.faqEntry(h.id);
        if (e) sources.push({ id, title: e.question, text: e.answer });
      } else {
        const s = await knowledge.service(h.id);
        if (s) sources.push({ id, title: s.name, text: say.serviceAnswerText(s, this.room) });
      }
    }
    try {
      const out = await ai!.answer({ question: text, sources });
      if (!out) return null;
      // Into a group only what rests on the cited entries, without links or numbers but the room's own.
      if (this.msg.isGroup) {
        const citedTexts = out.citations.map((c) => sources.find((s) => s.id === c)?.text ?? '').filter(Boolean);
        if (!safeForGroup(out.text, { citedTexts, roomPhone: this.room?.phone })) {
          this.log.warn({ cited: out.citations.length }, 'model answer not fit for a group; using the local answer');
          return null;
        }
      }
      const titles = out.citations.map((c) => sources.find((s) => s.id === c)?.title).filter(Boolean);
      const cite = titles.length ? `\n（依据：${titles.join('；')}）` : '';
      const options = service ? say.serviceAnswerReply(service, this.room).options : [{ label: '返回菜单', value: say.COMMANDS.menu }];
      return { text: `${out.text}${cite}`, options };
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'model answer failed; using the local answer');
      return null;
    }
  }

  private async escalate(text: string): Promise<HandleResult> {
    if (!this.room) return this.needRoom(text);
    const item = await createItem({
      room: this.room.code,
      kind: 'question',
      text: this.msg.text,
      origin: originOf(this.msg),
      slaMinutes: this.deps.config.SLA_MINUTES,
      now: this.now,
    });
    if (!this.msg.isGroup) this.remember({ openItem: { id: item._id, code: item.code } });
    this.log.info({ code: item.code, room: this.room.code }, 'question escalated to officers');
    const minutes = this.deps.config.SLA_MINUTES.question ?? DEFAULT_SLA_MINUTES.question;
    return this.result('escalated', [say.escalatedReply(item.code, minutes)], { itemCode: item.code });
  }

  private groupHandoff(kind: string): HandleResult {
    // Prepare the private chat: it will talk to this group's room.
    if (this.room && this.msg.channel === 'wechat') {
      const privateKey = stateKey(this.msg.channel, this.msg.senderId, this.msg.senderId);
      void saveMemory({ key: privateKey, channel: this.msg.channel, conversationId: this.msg.senderId, senderId: this.msg.senderId }, { room: this.room.code }, this.now).catch(
        (err) => this.log.warn({ err }, 'could not prepare the private chat room'),
      );
    }
    return this.result('group_handoff', [say.groupHandoffReply(kind, this.room, this.deps.config.PUBLIC_URL)]);
  }

  private async needRoom(pendingText: string): Promise<HandleResult> {
    const rooms = await this.deps.knowledge.rooms();
    if (this.msg.isGroup) return this.result('no_room', []);
    this.remember({ flow: { flow: 'room', step: 'pick', data: { pending: pendingText.slice(0, 1000) } } });
    return this.result('pick_room', [say.pickRoomReply(rooms)]);
  }

  private async pickRoom(code: string): Promise<HandleResult> {
    const room = await this.deps.knowledge.room(code);
    if (!room) return this.result('pick_room', [say.pickRoomReply(await this.deps.knowledge.rooms(), `没有找到警务室 ${code}，请从下面选择：`)]);
    this.room = room;
    const pending = this.memory.flow?.flow === 'room' ? String(this.memory.flow.data.pending ?? '') : '';
    this.remember({ room: room.code, flow: null });
    if (pending) {
      // Answer what the resident asked before we needed the room.
      const memory: ConversationMemory = { ...this.memory, flow: null };
      const again = new Turn({ ...this.msg, text: pending, room: room.code }, this.deps, memory, room, this.now, this.log);
      const res = await again.run(pending);
      const extra = again.memoryUpdate();
      if (extra) this.remember(extra);
      return { ...res, replies: [{ text: `已选择${room.name}。` }, ...res.replies] };
    }
    return this.result('pick_room', [say.roomPickedReply(room)]);
  }

  private async afterRoomPicked(text: string): Promise<HandleResult> {
    // The resident typed something else instead of picking: keep asking, but let a room code through.
    const byCode = /^[A-Za-z0-9]{2,16}$/.test(text) ? await this.deps.knowledge.room(text) : null;
    if (byCode) return this.pickRoom(byCode.code);
    const rooms = await this.deps.knowledge.rooms();
    const byName = rooms.find((r) => text.includes(r.name) || r.name.includes(text));
    if (byName) return this.pickRoom(byName.code);
    return this.result('pick_room', [say.pickRoomReply(rooms)]);
  }
}

/**
 * Which messages on a conversation with an open item are added to its thread rather than
 * answered as a new matter: more of the same kind (another word about the same dispute),
 * and anything the bot could not answer confidently. Thanks and greetings join only while the
 * item is open (a "谢谢" must not reopen a resolved item).
 */
export function joinsThread(a: Analysis, itemKind: string, itemStatus: string): boolean {
  if (a.code) return false;
  switch (a.intent) {
    case 'tip':
    case 'dispute':
    case 'complaint':
      return a.intent === itemKind;
    case 'service_question':
      return a.confidence < 0.7 && !a.service;
    case 'chitchat':
      return itemStatus !== 'resolved';
    default:
      return false;
  }
}
