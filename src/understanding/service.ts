/**
 * Maps resident text to one of the 21 service keys with weighted patterns.
 * Patterns are written from the domain (names, materials, everyday phrasings), not from any test set.
 */
import type { ServiceKey } from '../lib/service-catalog';

interface ServiceRule {
  service: ServiceKey;
  re: RegExp;
  w: number;
}

const BOOK = '户口[本簿薄]|户[本簿]|户籍[本簿]';
const KID = '(?:二胎|老二|老大|孩子|小孩|娃|宝宝|闺女|儿子|女儿|小子|学生|未成年|婴儿|新生)';
const AGE = '(?:[0-9]+|[一二三四五六七八九十两几]+|好几|十几)(?:岁|年)';

const RULES: ServiceRule[] = [
  // 1 出生登记
  { service: 'birth_registration', re: /出生登记|新生儿|新生宝宝|出生证|出生医学证明|报出生|申报出生/, w: 3 },
  { service: 'birth_registration', re: /(刚|才)(出生|生)|刚生(了|的|完)?|满月|生了(个)?(孩子|娃|宝宝|小孩|儿子|女儿|闺女|二胎|老二)|(生的|出生的)(孩子|娃|宝宝|小孩)|出生(?!日期|年月|地)/, w: 2 },
  { service: 'birth_registration', re: new RegExp(`${KID}[^,.!?;]{0,14}(上户口|报户口|落户|入户|户口)`), w: 2 },
  { service: 'birth_registration', re: /(医院|外地|老家|国外|家里|路上|婆家|娘家)[^,.!?;]{0,4}(生的|出生的|生下)|(生的|出生的|生下来的)[^?]{0,12}(上户口|报户口|落户|入户)/, w: 2 },
  { service: 'birth_registration', re: /(上|报)户口/, w: 1 },
  { service: 'birth_registration', re: new RegExp(`${KID}[^,.!?;]{0,3}(生了|生下来|出生了|落地|满月)`), w: 2 },
  // Parents of different ethnicity choosing the newborn's: a birth registration, not a correction.
  { service: 'birth_registration', re: /(父母|爸妈|两口子|夫妻|孩他妈|孩他爸|孩子他妈|孩子他爸|孩子妈|孩子爸|他爸|他妈|她爸|她妈|老公|老婆|媳妇|我(和|跟)|俺(和|跟))[^?]{0,8}民族(不一样|不同|不是一个)|(汉族|回族|满族|壮族|苗族|蒙古族|藏族|维吾尔族|彝族|土家族|朝鲜族)[^?]{0,8}(汉族|回族|满族|壮族|苗族|蒙古族|藏族|维吾尔族|彝族|土家族|朝鲜族)[^?]{0,12}(随|跟|上户口|报户口|落户)|民族(随|跟)(谁|哪|爸|妈|父|母)/, w: 4 },
  // 2 户口补登
  { service: 'hukou_late_registration', re: /补登|补录|黑户|漏登|超生|计划外|漏掉|漏了|无户口|没(有)?户口(?![本簿薄])|从来没(有)?(上|报)?(过)?户口|户口[^,.!?;]{0,4}(没我|没有我)|一直没(有)?(上|报|落)(过)?(户口|户)|户口一直没(上|报|落)|补(上|办)?户口(?![本簿薄])/, w: 3 },
  { service: 'hukou_late_registration', re: /没(有)?(上|报|落|办)(过)?(户口|户|出生)|户口(还)?没(上|报|落)/, w: 2 },
  { service: 'hukou_late_registration', re: new RegExp(`(${AGE}|上学(?!历)|入学|成年|一周岁|满周岁|超过一年)[^?]{0,12}(户口|出生)|(户口|出生)[^?]{0,12}(${AGE}|上学(?!历)|入学)`), w: 2 },
  { service: 'hukou_late_registration', re: /(超过|满|过了)(一|1)周岁/, w: 3 },
  // 3 户口迁入
  { service: 'hukou_move_in', re: /迁入|迁进|迁过来|迁回来|迁来|(?<!没|没有)落户|户口[^,.!?;]{0,4}落(过来|进来|到|在)|投靠|投奔|随迁|人才引进|(?<!新生儿)入户/, w: 3 },
  { service: 'hukou_move_in', re: /迁到[^,.!?;]{0,4}(我们|咱|这|本地|我家|我这|俺家|俺们)|(迁|转)到[^,.!?;]{0,4}(户口[本簿]|户[本簿])上/, w: 3 },
  { service: 'hukou_move_in', re: /嫁过来|嫁到(这|我们|咱|本地)|娶过来|娶进门|户口[^?]{0,10}(弄|转|办|挪|落|迁|拿)过来|(还在|留在|落在)(娘家|婆家|老家)/, w: 3 },
  { service: 'hukou_move_in', re: /(买了?|新)房[^?]{0,10}户口|户口[^?]{0,10}(买了?房|房产证)|户口[^,.!?;]{0,4}(怎么|咋|如何)?迁(?![出走回去往])/, w: 1 },
  // 4 户口迁出
  { service: 'hukou_move_out', re: /迁出|迁走|迁回(老家|去)|迁去|迁往|迁到(外地|外省|外市|老家|婆家|外面)|迁过去|迁移证|(迁|转)到外地|(迁|转|落)到[^,.!?;]{0,8}(那边|那里|外面)|(迁|转)到(?![^,.!?;]{0,4}(我们|咱|这|本地|我家|我这|俺))[^,.!?;]{1,8}去/, w: 3 },
  { service: 'hukou_move_out', re: /准迁/, w: 1 },
  { service: 'hukou_move_in', re: /准迁证|准予迁入|准迁(证明)?[^,.!?;]{0,6}(开|办|申请|在哪|哪里|去哪)/, w: 2 },
  { service: 'hukou_move_out', re: /(迁|转)[^,.!?;]{0,4}户口[^,.!?;]{0,2}(出去|走|出)|户口[^,.!?;]{0,3}迁[^,.!?;]{0,2}出去/, w: 3 },
  { service: 'hukou_move_in', re: /准迁/, w: 1 },
  // 5 户口一般项目变更
  { service: 'hukou_item_change', re: /未婚|已婚|婚姻状况|婚姻状态|婚姻那栏|文化程度|学历|服务处所|工作单位|职业|身高|兵役|宗教信仰|血型/, w: 2 },
  { service: 'hukou_item_change', re: /一般项目|项目变更/, w: 3 },
  { service: 'hukou_item_change', re: /变更|更新/, w: 1 },
  { service: 'hukou_item_change', re: new RegExp(`(${BOOK})(上)?(的)?[^,.!?;\\s]{0,4}(信息|内容|登记项|那一栏|一栏)[^,.!?;]{0,6}(改|变|更新|不对了|过时)|改[^,.!?;]{0,3}(${BOOK})(上)?(的)?(信息|内容)`), w: 3 },
  // 6 户口重要项目更正
  { service: 'hukou_item_correction', re: /(出生)?(年份|年月|日期|生日|年龄|岁数)[^,.!?;]{0,8}(大|小)(了)?[^,.!?;]{0,3}(岁|一岁|两岁|几岁)|比实际(大|小)|(大|小)(报|写|登)了[^,.!?;]{0,3}岁/, w: 3 },
  { service: 'hukou_item_correction', re: /改名|更名|改姓|改名字|改[^,.!?;]{0,3}(名字|姓)|曾用名|更正|改正|重要项目|(名字|姓名|生日|出生日期|出生年月|年龄|民族|性别|出生地|籍贯)[^,.!?;]{0,12}(错|不对|不一样|不符|有误|改)|(写|登|录|搞|弄|打|记)错|改(民族|年龄|生日|出生日期|出生年月|性别)/, w: 3 },
  // 7 死亡注销
  { service: 'death_deregistration', re: /去世|过世|逝世|病故|病逝|亡故|死亡(?!证明.{0,2}开)|火化|老人[^,.!?;]{0,2}走了|(爸|妈|爹|娘|父亲|母亲|爷爷|奶奶|老伴|外公|外婆|姥姥|姥爷|老爷子|老太太|亲人|家人|老人)[^,.!?;]{0,4}(走了|走的|走啦|没了|不在了)/, w: 3 },
  { service: 'death_deregistration', re: /销户|注销户口|户口[^,.!?;]{0,4}(注销|销)(?!证明)/, w: 2 },
  // 8 分户
  { service: 'household_split', re: /分户|立户|单立|另立|分出来|分出去|分开户口|户口分开|分一下户|单独[^,.!?;]{0,4}户口[本簿]|当户主|自己[^,.!?;]{0,4}户主|单独[^,.!?;]{0,3}户|自己(一|单)户|(一个|同一个|同一本|一本)(户口[本簿]|户)[^?]{0,10}(分开|分出|分家|分出去|拆开|单独)|(户口[本簿]|户)[^,.!?;]{0,6}(分开|拆开)|单独(一|立一)?本/, w: 3 },
  // 9 户口簿补领/换领
  { service: 'hukou_booklet_reissue', re: new RegExp(`(${BOOK})`), w: 1 },
  { service: 'hukou_booklet_reissue', re: new RegExp(`(${BOOK})[^,.!?;\\s]{0,10}(丢|掉|没了|找不到|找不着|撕|烂|破|坏|湿|泡|旧|损|补|换|不见)|(补|换)[办领个张一]*(新的)?(${BOOK})|户主[^?]{0,8}(补|换)`), w: 3 },
  // 10 身份证首次申领
  { service: 'id_card_first', re: /第一次[^,.!?;]{0,4}(办|领|申请|申领)(?![^,.!?;]{0,3}(护照|通行证|居住证|户口|签注))|首次[^,.!?;]{0,4}(申领|办|领|申请)|初次[^,.!?;]{0,4}(办|领|申领|申请)|第一张身份证|没(办|领)过身份证|还没有身份证|从来没(办|有)过?身份证/, w: 4 },
  { service: 'id_card_first', re: new RegExp(`(${KID}|未满|十六|16|${AGE})[^?]{0,10}身份证`), w: 2 },
  // 11 身份证换领
  { service: 'id_card_renewal', re: /身份证[^,.!?;]{0,8}(过期|到期|有效期|换领|换证|换新|换一张|换张|旧|坏|消磁|磨|断|裂|读不出|刷不出|掉色|褪色|照片)|(换|换领|换个|换张|换一张|换新)(的|新的)?身份证|身份证换|换证/, w: 3 },
  // 12 身份证补领
  { service: 'id_card_reissue', re: /身份证[^,.!?;]{0,8}(丢|掉了|(?<!磨)没了|找不到|找不着|找不见|不见|被偷|被盗|遗失|挂失|补|弄没|搞没)|补(办|领|一张|个|张)?(的)?身份证|身份证[^,.!?;]{0,4}弄丢|(丢|掉)了?身份证/, w: 3 },
  { service: 'id_card_renewal', re: /身份证/, w: 1 },
  // 13 临时身份证
  { service: 'temporary_id_card', re: /临时(居民)?身份证|临时的(身份证|证件|证)?|临时证|临时身份/, w: 5 },
  { service: 'temporary_id_card', re: /身份证(还)?没(下来|做好|拿到|办好|到)/, w: 2 },
  // 14 居住登记
  { service: 'residence_registration', re: /居住登记|暂住登记|暂住证|暂住|居住申报|住宿登记|外来人员|流动人口/, w: 4 },
  { service: 'residence_registration', re: /(刚|新)?(?<!出)(租了?个?|租的)(房|房子|屋|地方)|住(在|进)[^,.!?;]{0,6}(亲戚|朋友|宿舍|出租)|宿舍|工地|外地来|来[^,.!?;]{0,4}打工|搬来|搬过来|住下|报个到|报到/, w: 2 },
  { service: 'residence_registration', re: /登记|报备|申报/, w: 1 },
  // 15 居住证
  { service: 'residence_permit', re: /居住证|居主证|居往证|居住征|居住正|居住政|居注证|居著证|居駐证|居驻证|局住证|住居证/, w: 4 },
  { service: 'residence_permit', re: /签注/, w: 1 },
  // 16 出租房屋登记
  { service: 'rental_housing_registration', re: /出租(?!车)|租给|租出去|往外租|短租|民宿|群租|承租人|租客|租户/, w: 3 },
  { service: 'rental_housing_registration', re: /房东/, w: 2 },
  // "租房给别人", "房子租给外地人": the one letting, not the tenant.
  { service: 'rental_housing_registration', re: /(房|房子|屋)[^,.!?;，。？！]{0,3}租?给(别人|他人|人|外地人|租客|人家)/, w: 4 },
  // 17 户籍证明
  { service: 'hukou_certificate', re: /户籍证明|户口证明|亲属关系证明|关系证明|注销证明|同一人证明|(开|出具)[^,.!?;]{0,6}(户口|户籍|亲属|关系|母子|父子|母女|父女)[^,.!?;]{0,4}证明|(母子|父子|母女|父女|亲属|夫妻)关系|证明[^,.!?;]{0,4}(我|他|她)?(是|和)[^,.!?;]{0,6}(儿子|女儿|父亲|母亲|爸|妈|亲属|孩子|关系)/, w: 4 },
  // 18 无犯罪记录证明
  { service: 'no_criminal_record_certificate', re: /无犯罪|犯罪记录|犯罪纪录|良民证|无违法犯罪|政审/, w: 6 },
  // 19 消防咨询
  { service: 'fire_safety_consultation', re: /消防|灭火|烟感|烟雾报警|防火|逃生|火灾|着火|起火|飞线|拉电线|电线|取暖器|小太阳|电热毯|燃气|煤气|天然气|液化气/, w: 3 },
  { service: 'fire_safety_consultation', re: /电动车|电瓶车|电动自行车|充电|隐患/, w: 2 },
  { service: 'fire_safety_consultation', re: /拉线|私拉|接线板|插线板|插排|(电动车|电瓶车|电动自行车|电车|电池)[^?]{0,12}充电|充电[^?]{0,8}(电动车|电瓶车|电池)|一氧化碳|烧炭|炭火|热水器/, w: 2 },
  // 20 失物招领
  { service: 'lost_and_found', re: /捡到|捡了|拾到|拾金|失物|招领|遗失|落在|忘在|(钱包|手机|钥匙|书包|背包|包包|行李|雨伞|银行卡|耳环|项链|戒指|手表|证件|东西|卡|包)[^,.!?;]{0,6}(丢|掉|落|忘|不见|找不到)|丢了[^,.!?;]{0,3}(钱包|手机|钥匙|包|东西|卡)/, w: 3 },
  { service: 'lost_and_found', re: /(丢|掉|落|忘|弄丢)(了)?[^,.!?;]{0,8}(钱包|手机|钥匙|包|书包|背包|挎包|证件|伞|手表|电脑|行李箱|箱子|耳机|眼镜|首饰|项链|戒指|手镯)|(领|认领|取回|拿回|找回)[^,.!?;]{0,6}(钱包|手机|钥匙|包|证件|东西|失物)|(钱包|手机|钥匙|包|伞|证件|东西)[^,.!?;]{0,6}(交到|送到|有人交|有人捡)/, w: 3 },
  // 21 出入境
  { service: 'entry_exit_proxy', re: /港澳|通行证|护照|香港|澳门|台湾|出入境|出国|出境|入境|签证|边境/, w: 4 },
];

/** Tie-break order: the more specific service first. */
const PRECEDENCE: ServiceKey[] = [
  'no_criminal_record_certificate', 'temporary_id_card', 'hukou_certificate', 'entry_exit_proxy', 'residence_permit',
  'hukou_item_correction', 'hukou_late_registration', 'birth_registration', 'death_deregistration', 'household_split',
  'hukou_move_out', 'hukou_move_in', 'hukou_item_change', 'hukou_booklet_reissue', 'id_card_first', 'id_card_reissue',
  'id_card_renewal', 'residence_registration', 'rental_housing_registration', 'lost_and_found', 'fire_safety_consultation',
];

export interface ServiceScore {
  service: ServiceKey;
  score: number;
}

/** All services with a positive rule score, best first. Text must be normalised. */
export function scoreServices(t: string): ServiceScore[] {
  const scores = new Map<ServiceKey, number>();
  for (const r of RULES) if (r.re.test(t)) scores.set(r.service, (scores.get(r.service) ?? 0) + r.w);
  return [...scores.entries()]
    .map(([service, score]) => ({ service, score }))
    .sort((a, b) => b.score - a.score || PRECEDENCE.indexOf(a.service) - PRECEDENCE.indexOf(b.service));
}

/** Minimum rule score for a service to count on its own (a single generic word is not enough). */
export const SERVICE_MIN_SCORE = 2;

export function detectService(t: string): { service: ServiceKey | null; score: number; runnerUp: number } {
  const ranked = scoreServices(t);
  const top = ranked[0];
  if (!top || top.score < SERVICE_MIN_SCORE) return { service: null, score: top?.score ?? 0, runnerUp: 0 };
  return { service: top.service, score: top.score, runnerUp: ranked[1]?.score ?? 0 };
}

/** Extra words per service for the retrieval index (names and everyday phrasings). */
export const SERVICE_SYNONYMS: Record<ServiceKey, string[]> = {
  birth_registration: ['出生登记', '新生儿', '上户口', '报户口', '出生医学证明', '宝宝', '孩子刚出生', '入户'],
  hukou_late_registration: ['户口补登', '补录', '黑户', '没有户口', '漏登', '补户口'],
  hukou_move_in: ['户口迁入', '落户', '迁过来', '投靠', '准迁证', '买房落户'],
  hukou_move_out: ['户口迁出', '迁走', '迁移证', '迁回老家'],
  hukou_item_change: ['户口变更', '婚姻状况', '文化程度', '学历', '服务处所', '未婚', '已婚'],
  hukou_item_correction: ['户口更正', '改名', '出生日期', '民族', '写错', '更正'],
  death_deregistration: ['死亡注销', '去世', '过世', '销户', '注销户口', '火化证明'],
  household_split: ['分户', '立户', '单独立户', '户主'],
  hukou_booklet_reissue: ['户口本补领', '户口本换领', '户口本丢了', '户口簿'],
  id_card_first: ['身份证首次申领', '第一次办身份证', '孩子办身份证'],
  id_card_renewal: ['身份证换领', '身份证到期', '身份证过期', '换身份证'],
  id_card_reissue: ['身份证补领', '身份证丢了', '补办身份证', '挂失'],
  temporary_id_card: ['临时身份证', '临时居民身份证', '急用', '坐火车'],
  residence_registration: ['居住登记', '暂住登记', '暂住证', '租房登记', '租房子'],
  residence_permit: ['居住证', '居住证签注', '积分', '上学'],
  rental_housing_registration: ['出租房屋登记', '房东', '租客', '出租屋', '出租'],
  hukou_certificate: ['户籍证明', '户口证明', '亲属关系证明', '注销证明', '开证明'],
  no_criminal_record_certificate: ['无犯罪记录证明', '无犯罪证明', '良民证', '政审'],
  fire_safety_consultation: ['消防咨询', '灭火器', '电动车充电', '楼道', '烟感', '防火'],
  lost_and_found: ['失物招领', '遗失登记', '捡到', '钱包', '手机', '丢东西'],
  entry_exit_proxy: ['出入境', '港澳通行证', '护照', '签注', '台湾通行证'],
};
