/**
 * The built-in Chinese texts of every scheduled message. Officers may override each one,
 * for the whole service (admin) or for one room; what they store wins over these.
 * `placeholders` lists what a template of that key may use; anything else is refused on save.
 */
export interface TemplateDefinition {
  key: string;
  label: string;
  /** Who reads it: groups of residents, one resident, or officers. */
  audience: 'group' | 'resident' | 'officer';
  placeholders: string[];
  text: string;
}

const ROOM = ['room.name', 'room.address', 'room.phone'];

export const TEMPLATE_DEFINITIONS: TemplateDefinition[] = [
  {
    key: 'talkday.before',
    label: '恳谈日预告（提前通知）',
    audience: 'group',
    placeholders: [...ROOM, 'date', 'weekday', 'time', 'place', 'topic', 'moved_note', 'days_before'],
    text:
      '【{{room.name}}】警民恳谈日·警务室开放日预告\n' +
      '时间：{{date}}（{{weekday}}）{{time}}\n' +
      '地点：{{place}}\n' +
      '主题：{{topic}}\n' +
      '{{moved_note}}\n' +
      '欢迎居民朋友到场交流，有意见建议也可以在群里@警务室小助手留言。咨询电话：{{room.phone}}',
  },
  {
    key: 'talkday.day',
    label: '恳谈日当天提醒',
    audience: 'group',
    placeholders: [...ROOM, 'date', 'weekday', 'time', 'place', 'topic', 'moved_note'],
    text:
      '【{{room.name}}】今天（{{date}}，{{weekday}}）是警民恳谈日·警务室开放日。\n' +
      '时间：{{time}}\n' +
      '地点：{{place}}\n' +
      '主题：{{topic}}\n' +
      '{{moved_note}}\n' +
      '欢迎前来！',
  },
  {
    key: 'mobile_visit.notice',
    label: '流动警务室停靠通知（前一天）',
    audience: 'group',
    placeholders: [...ROOM, 'date', 'weekday', 'time', 'place', 'topic'],
    text:
      '【流动警务室】明天（{{date}}，{{weekday}}）{{time}}，{{room.name}}将停靠在：{{place}}。\n' +
      '{{topic}}\n' +
      '可现场办理居住登记、证件咨询、防诈宣传等业务。咨询电话：{{room.phone}}',
  },
  {
    key: 'appointment.reminder_evening',
    label: '预约提醒（前一天晚上）',
    audience: 'resident',
    placeholders: [...ROOM, 'date', 'weekday', 'time', 'service', 'code'],
    text:
      '预约提醒：您预约了明天（{{date}}，{{weekday}}）{{time}}在{{room.name}}办理“{{service}}”。\n' +
      '地址：{{room.address}}\n' +
      '预约号：{{code}}。请带齐材料按时到场；如需取消或改约，请回复“取消预约”或“改约”。',
  },
  {
    key: 'appointment.reminder_hour',
    label: '预约提醒（提前一小时）',
    audience: 'resident',
    placeholders: [...ROOM, 'date', 'time', 'service', 'code'],
    text: '预约提醒：您在{{room.name}}办理“{{service}}”的预约将于今天{{time}}开始（预约号 {{code}}）。地址：{{room.address}}',
  },
  {
    key: 'sla.officer',
    label: '超时提醒（民警）',
    audience: 'officer',
    placeholders: ['room.name', 'code', 'kind', 'summary', 'due'],
    text: '【超时提醒】{{room.name}}的{{kind}} {{code}} 已超过处理时限（{{due}}）仍未办结，请登录工作台尽快处理。',
  },
  {
    key: 'sla.supervisor',
    label: '超时上报（督导）',
    audience: 'officer',
    placeholders: ['room.name', 'code', 'kind', 'summary', 'due'],
    text: '【超时上报】{{room.name}}的{{kind}} {{code}} 自{{due}}起超时未办结，已提醒责任民警仍未处理，请登录工作台查看。',
  },
  {
    key: 'digest.officer',
    label: '每日待办汇总（民警）',
    audience: 'officer',
    placeholders: ['name', 'date', 'count', 'overdue', 'items', 'appointments'],
    text: '{{name}}，早上好。{{date}}待办：{{count}}件（其中超时{{overdue}}件），今日预约{{appointments}}个。\n{{items}}',
  },
  {
    key: 'broadcast.police_notice',
    label: '警情通报',
    audience: 'group',
    placeholders: [...ROOM, 'date', 'title', 'body'],
    text: '【警情通报】{{title}}\n{{body}}\n——{{room.name}} {{date}}',
  },
  {
    key: 'broadcast.prevention_tip',
    label: '防范提示',
    audience: 'group',
    placeholders: [...ROOM, 'date', 'title', 'body'],
    text: '【防范提示】{{title}}\n{{body}}\n如遇紧急情况请拨打110。——{{room.name}} {{date}}',
  },
];

export function templateDefinition(key: string): TemplateDefinition | undefined {
  return TEMPLATE_DEFINITIONS.find((t) => t.key === key);
}
