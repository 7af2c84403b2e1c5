/**
 * The 21 services delegated from the police station to community police rooms.
 * Keys are stable identifiers used across the product (bookings, NLU, reports).
 * This is seed data: it is written to MongoDB on first start and is editable there;
 * runtime code reads the stored catalog, not this file.
 */
export type ServiceMode = '办结' | '转办' | '代办' | '代办/转办' | '受理核查' | '转办（制证）' | '代办（派出所盖章）' | '办结（当场解答）' | '约访面谈';

export interface CatalogEntry {
  order: number;
  key: ServiceKey;
  name: string;
  gloss: string;
  materials: string[];
  mode: ServiceMode;
  typicalTime: string;
}

export const SERVICE_KEYS = [
  'birth_registration',
  'hukou_late_registration',
  'hukou_move_in',
  'hukou_move_out',
  'hukou_item_change',
  'hukou_item_correction',
  'death_deregistration',
  'household_split',
  'hukou_booklet_reissue',
  'id_card_first',
  'id_card_renewal',
  'id_card_reissue',
  'temporary_id_card',
  'residence_registration',
  'residence_permit',
  'rental_housing_registration',
  'hukou_certificate',
  'no_criminal_record_certificate',
  'fire_safety_consultation',
  'lost_and_found',
  'entry_exit_proxy',
] as const;

export type ServiceKey = (typeof SERVICE_KEYS)[number];

export function isServiceKey(value: unknown): value is ServiceKey {
  return typeof value === 'string' && (SERVICE_KEYS as readonly string[]).includes(value);
}

/**
 * 约访: a resident books a conversation with the room's officer (or a leader on the monthly talk
 * day). Not one of the 21 services (the catalog, the chat's service menu and the FAQ stay 21),
 * but bookable through the same engine under this key: seats, per-room rules, reminders,
 * cancel/reschedule and .ics all apply to it unchanged.
 */
export const TALK_KEY = 'talk_with_officer' as const;

/** Every key the booking engine takes: the 21 services and 约访. */
export const BOOKABLE_KEYS = [...SERVICE_KEYS, TALK_KEY] as const;

/** What the booking engine reads of 约访 (it has no materials: the resident brings the topic). */
export const TALK_ENTRY: Omit<CatalogEntry, 'key'> & { key: typeof TALK_KEY } = {
  order: 22,
  key: TALK_KEY,
  name: '约访民警',
  gloss: "Book a conversation with the room's officer (or a leader on the monthly talk day, the 18th)",
  materials: [],
  mode: '约访面谈',
  typicalTime: '约30分钟',
};

export const SERVICE_CATALOG: CatalogEntry[] = [
  { order: 1, key: 'birth_registration', name: '出生登记', gloss: "Register a newborn's hukou",
    materials: ['《出生医学证明》', '落户方户口簿', '父母身份证', '结婚证（非婚生育需说明）', '父母民族不同需民族成份确认'],
    mode: '办结', typicalTime: '当场；出生1个月内申报，满1周岁按补登办理' },
  { order: 2, key: 'hukou_late_registration', name: '户口补登（补录）', gloss: 'Register a person never or wrongly left unregistered',
    materials: ['书面申请', '户口簿', '身份证明原始凭证（出生证明、原始户籍档案、学籍等）', '村(居)委会证明'],
    mode: '转办', typicalTime: '调查核实、公示、审批；约15–20个工作日' },
  { order: 3, key: 'hukou_move_in', name: '户口迁入（落户）', gloss: 'Move hukou into this area',
    materials: ['户口簿', '身份证', '落户依据（房产证、结婚证、亲属关系证明等）', '准迁/迁移证明（如需）'],
    mode: '代办/转办', typicalTime: '材料齐全当场；需审批另计' },
  { order: 4, key: 'hukou_move_out', name: '户口迁出', gloss: 'Move hukou out',
    materials: ['户口簿', '身份证', '迁入地准迁证明（如需；多地已改为迁入地一站式办理）'],
    mode: '代办', typicalTime: '通常当场' },
  { order: 5, key: 'hukou_item_change', name: '户口一般项目变更', gloss: 'Update minor fields (education, marital status, employer)',
    materials: ['户口簿', '身份证', '有关证件（毕业证、结婚/离婚证等）'],
    mode: '办结', typicalTime: '当场' },
  { order: 6, key: 'hukou_item_correction', name: '户口重要项目更正', gloss: 'Correct name, birth date or ethnicity',
    materials: ['书面申请', '户口簿', '身份证', '凭证（出生医学证明、原始户籍档案；民族需民族工作部门证明；未成年人改名需父母共同申请）'],
    mode: '转办', typicalTime: '县级审批，10–20个工作日' },
  { order: 7, key: 'death_deregistration', name: '死亡注销', gloss: "Cancel a deceased person's hukou",
    materials: ['死亡医学证明/火化证明/宣告死亡判决书之一', '死者户口簿和身份证', '申报人身份证'],
    mode: '办结', typicalTime: '当场；死亡1个月内申报' },
  { order: 8, key: 'household_split', name: '分户/立户', gloss: 'Split off a new household',
    materials: ['书面申请', '户口簿', '身份证', '结婚/离婚证', '房屋产权或使用证明'],
    mode: '受理核查', typicalTime: '当场或5个工作日' },
  { order: 9, key: 'hukou_booklet_reissue', name: '户口簿补领/换领', gloss: 'Replace a lost or damaged hukou booklet',
    materials: ['户主身份证', '户主不能到场凭书面委托及双方身份证'],
    mode: '办结', typicalTime: '当场' },
  { order: 10, key: 'id_card_first', name: '身份证首次申领', gloss: 'First resident ID card',
    materials: ['户口簿', '未满16岁由监护人陪同', '现场采集人像、指纹'],
    mode: '转办（制证）', typicalTime: '法定60日内，多地约20个工作日' },
  { order: 11, key: 'id_card_renewal', name: '身份证换领', gloss: 'Renew an expired or damaged ID card',
    materials: ['原身份证', '户口簿'],
    mode: '转办', typicalTime: '法定60日内，多地约20个工作日' },
  { order: 12, key: 'id_card_reissue', name: '身份证补领', gloss: 'Replace a lost ID card',
    materials: ['户口簿或其他身份证明'],
    mode: '转办', typicalTime: '法定60日内，多地约20个工作日；急用可同时申请临时身份证' },
  { order: 13, key: 'temporary_id_card', name: '临时居民身份证', gloss: 'Temporary ID while the card is made',
    materials: ['户口簿', '近期一寸免冠照片', '身份证受理回执', '工本费10元'],
    mode: '转办', typicalTime: '约3日内' },
  { order: 14, key: 'residence_registration', name: '居住登记（暂住登记）', gloss: 'Register as a non-local resident (the former 暂住证)',
    materials: ['身份证', '住所证明（租赁合同、房产证、单位住宿证明）', '租住的由房东陪同或持房东证件'],
    mode: '办结', typicalTime: '到达后及时申报；当场' },
  { order: 15, key: 'residence_permit', name: '居住证申领/签注', gloss: 'Residence permit or its yearly endorsement',
    materials: ['身份证', '照片', '居住地址证明', '就业或就读证明', '条件：居住满半年且有合法稳定就业、住所或连续就读之一'],
    mode: '转办（制证）', typicalTime: '15日内发证' },
  { order: 16, key: 'rental_housing_registration', name: '出租房屋登记', gloss: 'Landlord registers a rental and its tenants',
    materials: ['出租人身份证', '房产证明', '租赁合同', '承租人身份信息'],
    mode: '办结', typicalTime: '出租后及时报送' },
  { order: 17, key: 'hukou_certificate', name: '户籍证明/户口注销证明', gloss: 'Household-registration, deregistration or kinship certificate',
    materials: ['身份证', '户口簿', '用途说明及相关证据'],
    mode: '代办（派出所盖章）', typicalTime: '当场或1个工作日' },
  { order: 18, key: 'no_criminal_record_certificate', name: '无犯罪记录证明', gloss: 'Certificate of no criminal record',
    materials: ['身份证', '户口簿（居住地办理附居住登记信息）', '用途'],
    mode: '转办', typicalTime: '能当场的当场，否则3个工作日' },
  { order: 19, key: 'fire_safety_consultation', name: '消防咨询', gloss: 'Fire-safety advice (homes, small shops, e-bike charging)',
    materials: [],
    mode: '办结（当场解答）', typicalTime: '即时' },
  { order: 20, key: 'lost_and_found', name: '失物招领/遗失登记', gloss: 'Lost-and-found and lost-item registration',
    materials: ['身份证', '物品描述'],
    mode: '办结', typicalTime: '即时' },
  { order: 21, key: 'entry_exit_proxy', name: '出入境证件代办咨询', gloss: 'Help with travel documents (港澳通行证签注, 护照)',
    materials: ['身份证', '有效证件'],
    mode: '代办', typicalTime: '以出入境部门时限为准' },
];
