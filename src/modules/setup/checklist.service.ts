import { countRoomSchedules } from '../appointments';
import { countAuditEntries } from '../audit';
import { effectiveState, listBotStatuses } from '../bot-status';
import { countWebConversations } from '../conversations';
import { countGroupBindings } from '../groups';
import { countOfficersWithPassword } from '../officers';

export interface ChecklistStep {
  key: 'password' | 'officers' | 'rooms' | 'wechat' | 'try_bot';
  label: string;
  done: boolean;
  /** Where in the console the step is done. */
  href: string;
  hint: string;
}

/**
 * The first-run checklist on the admin home: what a bureau does to put the service into use,
 * each step with whether it is done (read from what exists, so it stays true however the step
 * was done).
 */
export async function setupChecklist(me: { mustChangePassword: boolean }, now = new Date()): Promise<ChecklistStep[]> {
  const [officers, roomEdits, schedules, bots, groups, conversations] = await Promise.all([
    countOfficersWithPassword(),
    countAuditEntries(['room.create', 'room.update', 'room.schedule', 'room.officers']),
    countRoomSchedules(),
    listBotStatuses(),
    countGroupBindings(),
    countWebConversations(),
  ]);
  const botOnline = bots.some((b) => effectiveState(b, now) === 'logged_in');
  return [
    { key: 'password', label: '修改初始密码', done: !me.mustChangePassword, href: '/account/', hint: '初始密码只显示一次，请换成只有您知道的密码。' },
    { key: 'officers', label: '添加民警账号', done: officers > 0, href: '/admin/officers/', hint: '为每位社区民警建账号并分配警务室，系统会生成一次性临时密码。' },
    { key: 'rooms', label: '设置警务室', done: roomEdits + schedules > 0, href: '/admin/rooms/', hint: '核对地址、电话、办公时间（含午休）、可预约事项和节假日。' },
    { key: 'wechat', label: '连接微信', done: botOnline || groups > 0, href: '/admin/channels/', hint: '启动微信机器人并扫码登录，再把社区群绑定到警务室。' },
    { key: 'try_bot', label: '试用机器人', done: conversations > 0, href: '/', hint: '以群众身份在网页咨询里问一个问题，看看回答。' },
  ];
}
