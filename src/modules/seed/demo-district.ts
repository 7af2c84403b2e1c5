import type { OfficerRole } from '../officers';
import { type RoomType } from '../rooms';

/**
 * A fictional demo district with one room of each kind. Seeded on first start (when the
 * database is empty) and by `npm run seed`; real deployments replace it through the admin API.
 */
const weekdays = (open: string, close: string, breakStart?: string, breakEnd?: string, days = [1, 2, 3, 4, 5]) =>
  days.map((weekday) => ({ weekday, open, close, breakStart, breakEnd }));

export const DEMO_DISTRICT = { code: 'XH', name: '新华区' };

export interface SeedRoom {
  code: string;
  name: string;
  type: RoomType;
  address: string;
  phone: string;
  areas: string[];
  hoursText: string;
  openingHours: ReturnType<typeof weekdays>;
  description: string;
}

export const DEMO_ROOMS: SeedRoom[] = [
  {
    code: 'HPL',
    name: '和平里社区警务室',
    type: 'urban',
    address: '新华区和平里街道和平里社区服务中心一楼',
    phone: '0311-8765 4321',
    areas: ['和平里社区'],
    hoursText: '周一至周五 8:30–12:00，14:00–17:30；周六上午 9:00–12:00',
    openingHours: [...weekdays('08:30', '17:30', '12:00', '14:00'), ...weekdays('09:00', '12:00', undefined, undefined, [6])],
    description: '城市社区警务室，负责和平里社区的户籍、治安和群众服务。',
  },
  {
    code: 'LSC',
    name: '柳树村警务室',
    type: 'rural',
    address: '新华区柳树镇柳树村村委会院内',
    phone: '0311-8765 4001',
    areas: ['柳树村'],
    hoursText: '周一至周五 8:00–12:00，14:30–18:00',
    openingHours: weekdays('08:00', '18:00', '12:00', '14:30'),
    description: '一村一警，驻村民警常驻。',
  },
  {
    code: 'DHL',
    name: '东河联村警务室',
    type: 'joint_villages',
    address: '新华区东河镇东河村党群服务中心',
    phone: '0311-8765 4002',
    areas: ['东河村', '西河村', '南庄村'],
    hoursText: '周一、三、五 8:30–17:00（午休 12:00–13:30）',
    openingHours: weekdays('08:30', '17:00', '12:00', '13:30', [1, 3, 5]),
    description: '联村一警，服务东河、西河、南庄三个村。',
  },
  {
    code: 'LD01',
    name: '流动警务室（一号警务车）',
    type: 'mobile',
    address: '按排班停靠：和平广场、柳树镇集市、东河镇卫生院门口',
    phone: '0311-8765 4003',
    areas: ['和平广场', '柳树镇集市', '东河镇'],
    hoursText: '按排班停靠，周二、周四 9:00–16:00',
    openingHours: weekdays('09:00', '16:00', undefined, undefined, [2, 4]),
    description: '流动警务车定期到人流密集处服务，停靠时间见每月排班。',
  },
];

export interface SeedOfficer {
  username: string;
  name: string;
  badge: string;
  role: OfficerRole;
  rooms: string[];
  district: string;
}

export const DEMO_OFFICERS: SeedOfficer[] = [
  { username: 'zhangwei', name: '张伟', badge: '031201', role: 'officer', rooms: ['HPL'], district: 'XH' },
  { username: 'lina', name: '李娜', badge: '031202', role: 'officer', rooms: ['HPL'], district: 'XH' },
  { username: 'wangqiang', name: '王强', badge: '031203', role: 'officer', rooms: ['LSC'], district: 'XH' },
  { username: 'zhaomin', name: '赵敏', badge: '031204', role: 'officer', rooms: ['DHL'], district: 'XH' },
  { username: 'liujun', name: '刘军', badge: '031205', role: 'officer', rooms: ['LD01', 'LSC'], district: 'XH' },
  { username: 'chenjie', name: '陈杰', badge: '031100', role: 'supervisor', rooms: [], district: 'XH' },
];
