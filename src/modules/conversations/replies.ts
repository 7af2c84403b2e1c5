/**
 * The words the bot says, as pure functions of data (no I/O): easy to test and to review
 * with the people who own the wording. Chinese, polite, short enough for a phone screen.
 */
import type { OutboundReply, ReplyOption } from './messages';
import type { EmergencyInfo } from '../../understanding/types';
import { describeMode } from '../services';
import { type Room, type RoomOfficerView } from '../rooms';
import type { FaqEntry } from '../../understanding/types';
import type { ServiceInfo } from './knowledge';

export const NOT_AN_EMERGENCY_LINE = '本平台不是报警渠道，无法及时出警，紧急情况请不要在这里等待回复！';

const NUMBER_LABELS: Record<string, string> = { '110': '报警', '119': '火警', '120': '急救', '96110': '反诈骗预警专线' };

/** Quick-reply commands the core recognises exactly (option values of the menus below). */
export const COMMANDS = {
  menu: '菜单',
  services: '办事指南',
  book: '我要预约',
  status: '查询进度',
  tip: '我要举报',
  dispute: '邻里纠纷',
  complaint: '我要投诉',
  info: '警务室信息',
  exit: '退出',
  pickRoom: '选择警务室',
} as const;

export function mainMenuOptions(): ReplyOption[] {
  return [
    { label: '办事指南', value: COMMANDS.services },
    { label: '预约办理', value: COMMANDS.book },
    { label: '查询进度', value: COMMANDS.status },
    { label: '举报线索', value: COMMANDS.tip },
    { label: '邻里纠纷', value: COMMANDS.dispute },
    { label: '警务室信息', value: COMMANDS.info },
  ];
}

export function emergencyReply(info: EmergencyInfo, itemCode: string | null): OutboundReply {
  const numbers = info.numbers.map((n) => `${n}${NUMBER_LABELS[n] ? `（${NUMBER_LABELS[n]}）` : ''}`).join('、');
  const lines = [`⚠️ 情况紧急请立即拨打 ${numbers}！`, NOT_AN_EMERGENCY_LINE];
  if (info.kind === 'fraud') lines.push('正在被要求转账或提供验证码的，请立即停止操作，不要转账。');
  if (info.kind === 'fire') lines.push('请先撤离到安全地带再打电话，不要乘坐电梯。');
  if (itemCode) lines.push(`我们也已通知警务室民警（事项编号 ${itemCode}），但请务必先打电话。`);
  return { text: lines.join('\n') };
}

export function greetingReply(room: Room | null, botName: string): OutboundReply {
  const where = room ? `${room.name}的` : '';
  return {
    text: `您好，我是${where}${botName}。可以问我办事需要什么材料、预约办理、查询进度、反映线索或邻里纠纷。\n紧急情况请直接拨打110/119/120。`,
    options: mainMenuOptions(),
  };
}

export function thanksReply(): OutboundReply {
  return { text: '不客气，有需要随时找我们。', options: mainMenuOptions() };
}

export function menuReply(): OutboundReply {
  return { text: '请选择您要办理的事项，或直接用一句话描述您的问题：', options: mainMenuOptions() };
}

export function serviceListReply(services: ServiceInfo[]): OutboundReply {
  return {
    text: '警务室可以办理或代办以下业务，请选择您想了解的一项：',
    options: services.map((s) => ({ label: s.name, value: s.name })),
  };
}

function serviceCardLines(service: ServiceInfo): string[] {
  const lines = [`【${service.name}】`];
  if (service.materials.length) {
    lines.push('所需材料：');
    service.materials.forEach((m, i) => lines.push(`${i + 1}. ${m}`));
  } else {
    lines.push('无需准备材料，可直接咨询。');
  }
  lines.push(`办理方式：${describeMode(service.mode)}`);
  lines.push(`办理时限：${service.typicalTime}`);
  return lines;
}

function serviceFooterLines(room: Room | null): string[] {
  const lines = room ? [`${room.name}办公时间：${room.hoursText}`, `地址：${room.address}；电话：${room.phone}`] : [];
  return [...lines, '各地材料要求可能略有不同，以窗口要求为准。'];
}

export function serviceAnswerText(service: ServiceInfo, room: Room | null): string {
  return [...serviceCardLines(service), ...serviceFooterLines(room)].join('\n');
}

function serviceOptions(services: ServiceInfo[]): ReplyOption[] {
  const options: ReplyOption[] = services.filter((s) => s.bookable).map((s) => ({ label: `预约办理${s.name}`, value: `预约办理${s.name}` }));
  options.push({ label: '其他业务', value: COMMANDS.services });
  return options;
}

export function serviceAnswerReply(service: ServiceInfo, room: Room | null, text = serviceAnswerText(service, room)): OutboundReply {
  return { text, options: serviceOptions([service]) };
}

/** Words that leave two services open (户口迁移): both cards in one message, introduced by `lead`. */
export function serviceChoiceAnswerReply(lead: string, services: ServiceInfo[], room: Room | null): OutboundReply {
  const text = [lead, ...services.map((s) => serviceCardLines(s).join('\n')), serviceFooterLines(room).join('\n')].join('\n\n');
  return { text, options: serviceOptions(services) };
}

export function faqAnswerReply(entry: FaqEntry, room: Room | null): OutboundReply {
  const lines = [entry.answer];
  if (room) lines.push(`如需进一步咨询：${room.name}，电话 ${room.phone}（${room.hoursText}）。`);
  return { text: lines.join('\n'), options: [{ label: '返回菜单', value: COMMANDS.menu }] };
}

export function infoReply(room: Room, officers: RoomOfficerView[]): OutboundReply {
  const lines = [`【${room.name}】`, `地址：${room.address}`, `电话：${room.phone}`, `办公时间：${room.hoursText}`];
  if (officers.length) lines.push(`社区民警：${officers.map((o) => (o.badge ? `${o.name}（警号${o.badge}）` : o.name)).join('、')}`);
  if (room.areas?.length) lines.push(`服务范围：${room.areas.join('、')}`);
  if (room.type === 'mobile') lines.push('流动警务室按排班停靠，具体停靠时间以每月排班通知为准。');
  lines.push('每月18日是“警民恳谈日”和“警务室开放日”，欢迎到警务室面对面交流（遇节假日以通知为准）。');
  return { text: lines.join('\n'), options: [{ label: '办事指南', value: COMMANDS.services }, { label: '预约办理', value: COMMANDS.book }] };
}

export function pickRoomReply(rooms: Room[], why = '请先选择您所在的警务室：'): OutboundReply {
  return { text: why, options: rooms.map((r) => ({ label: r.name, value: `${COMMANDS.pickRoom} ${r.code}` })) };
}

export function roomPickedReply(room: Room): OutboundReply {
  return { text: `已为您切换到${room.name}。请问有什么可以帮您？`, options: mainMenuOptions() };
}

const KIND_WORDS: Record<string, string> = {
  tip: '举报线索',
  dispute: '反映纠纷',
  complaint: '投诉',
  booking: '预约办理',
  status: '查询举报进度',
};

/** In a group: never collect personal data there. Says where to continue, and why. Echoes nothing the resident wrote. */
export function groupHandoffReply(kind: string, room: Room | null, publicUrl: string): OutboundReply {
  const link = room ? `${publicUrl.replace(/\/$/, '')}/?room=${encodeURIComponent(room.code)}` : `${publicUrl.replace(/\/$/, '')}/`;
  return {
    text:
      `${KIND_WORDS[kind] ?? '这件事'}需要填写具体情况或个人信息，群里的每个人都能看到，为保护您的隐私请不要在群里发。\n` +
      `请私聊我（点我的头像→发消息），或打开网上警务室：${link}\n紧急情况请直接拨打110。`,
  };
}

/** "within 2 hours", "within 24 hours" … from an SLA in minutes. */
export function expectedWithin(minutes: number): string {
  if (minutes <= 60) return `${minutes}分钟内`;
  if (minutes <= 48 * 60) return `${Math.round(minutes / 60)}小时内`;
  return `${Math.round(minutes / 1440)}天内`;
}

export function escalatedReply(code: string, minutes: number): OutboundReply {
  return {
    text:
      `这个问题我暂时答不好，已转给警务室民警（事项编号 ${code}），一般${expectedWithin(minutes)}回复您，请留意消息。\n` +
      `发送“查询进度”并附上编号可以查看处理情况。`,
  };
}

export function joinedThreadReply(code: string): OutboundReply {
  return { text: `已收到，已补充到您的事项 ${code}，民警会尽快回复您。` };
}

export function appointmentHandoffReply(room: Room | null): OutboundReply {
  const where = room ? `请致电${room.name}（${room.phone}），或在办公时间（${room.hoursText}）到警务室办理。` : '请致电您所在的警务室，或在办公时间到警务室办理。';
  return { text: `在线预约暂未开通。${where}`, options: [{ label: '办事指南', value: COMMANDS.services }] };
}
