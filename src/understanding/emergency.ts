/**
 * Local, rule-based emergency detection. Runs before anything else on every message.
 *
 * Policy: when a message MIGHT describe something happening now that endangers people or property,
 * report it (the bot then tells the resident to call 110/119/120/96110 at once). Suppression is
 * deliberately narrow: explicit negation right before the cue, modal/preventive wording ("会着火吗",
 * "防止被骗"), hypothetical or advice framing ("万一…", "怎么预防"), clearly old events ("去年", "被骗过"),
 * and fraud attempts the resident already shut down ("我挂了", "没转").
 */
import type { EmergencyInfo, EmergencyKind } from './types';
import { normalize } from './segment';

export const EMERGENCY_NUMBERS: Record<EmergencyKind, string[]> = {
  police: ['110'],
  fire: ['119'],
  medical: ['120'],
  fraud: ['96110', '110'],
  missing: ['110'],
};

interface Cue {
  kind: EmergencyKind;
  re: RegExp;
  /** Generic cues (救命, 报警) only decide the kind when nothing more specific matched. */
  generic?: boolean;
  /** Extra numbers beyond the kind's own (e.g. self-harm: also 120). */
  extra?: string[];
  /** Ignore the hypothetical/advice check (the cue itself is present-tense, e.g. "正在转账"). */
  present?: boolean;
}

const PERSON =
  '(?:孩子|小孩|娃|儿子|女儿|闺女|宝宝|宝贝|小朋友|小孩子|老人家?|老头|老太太?|老爷子|爷爷|奶奶|外公|外婆|姥姥|姥爷|' +
  '我爸|我妈|俺爹|俺娘|俺爸|俺妈|老爸|老妈|父亲|母亲|爸爸|妈妈|爹|娘|老伴|老公|老婆|媳妇|丈夫|妻子|孙子|孙女|外孙女?|' +
  '弟弟|妹妹|哥哥|姐姐|家人|学生|病人|侄子|侄女|婆婆|公公|岳母|丈母娘|亲戚|朋友|同学|室友)';
// Things (not people) that get lost; their presence between a person and "丢了" means an item, not a person.
const OBJECT = '(?:证|本|簿|卡|包|钱|手机|钥匙|户口|护照|照片|东西|材料|资料|车|猫|狗|宠物|电话|微信|行李|作业)';

const CUES: Cue[] = [
  // --- police: violence, break-in, robbery, threats, self-harm
  { kind: 'police', re: /(撬|翘)[^,.!?;]{0,4}(门|锁|窗|车|柜)|(门|锁|窗|车|柜)[^,.!?;]{0,3}被(人)?(撬|翘)|有人(在|正在)?(撬|翘|砸|偷|抢)|有人[^,.!?;]{0,8}(在|正在)(撬|翘|砸|偷|抢)|入室|闯进|闯入|破门|翻窗|爬窗/ },
  { kind: 'police', re: /打架|打起来|斗殴|群殴|互殴|干起来了|动手了|打人|动手打|被[^,.!?;]{0,3}(打|揍|砍|捅|伤)(了|伤|得|成|出)|被(人)?打$|挨打|挨揍|揍我|打我(?!电话|手机)|殴打|家暴|施暴|(在|正在)打(老婆|媳妇|孩子|老公|人|我|小孩|老人)/ },
  { kind: 'police', re: /(持|拿|拿着|掏出|亮出|带着?|举着)(刀|枪|棍|棒|砍刀|菜刀|匕首|凶器|铁棍|斧头)|砍人|捅人|捅了|砍伤|刺伤|杀人|要杀|杀了我|行凶|追砍|动刀|有枪/ },
  { kind: 'police', re: /抢劫|打劫|抢(我|了我|走)[^,.!?;]{0,2}(包|钱|手机|项链|东西)?|被抢|抢东西|飞车抢|绑架|劫持|挟持|人质/ },
  { kind: 'police', re: /(偷|撬|抢|砸)[^.!?;]{0,12}(现在还在|人还在|还没走|就在(楼下|门口|外面|这))|小偷(正在|在|还在|进|跑)|有贼|进贼|进了贼|遭贼|入室盗窃|家(里)?被(盗|偷)|(正在|有人在)偷/ },
  { kind: 'police', re: /(跟踪|尾随)(我|着我)|被(人)?(跟踪|尾随)|有人跟着我|一直跟着我|(陌生人|可疑的?人)[^,.!?;]{0,6}(在我家|进我家|闯|撬|敲我家)|(陌生|男的|女的|可疑)[^.!?;]{0,12}(我家门口|敲门|门外|砸门)/ },
  { kind: 'police', re: /强奸|性侵|猥亵|耍流氓|非礼|威胁(我|要|说要)|恐吓|勒索|敲诈|砸(车|门|窗|店|东西|玻璃)|打砸|闹事|持械/ },
  { kind: 'police', re: /跳楼|跳河|跳桥|要跳|跳下去|(天台|楼顶|窗台|桥)(边|上)[^,.!?;]{0,8}(跳|不下来)|自杀|轻生|割腕|想不开|寻短见|不想活|寻死/, extra: ['120'] },
  { kind: 'police', re: /救命|救救我|快来人|来人啊|help|sos|报警(?!器|装置|系统|回执)|要报案(?!回执)|想报案(?!回执)/, generic: true },
  // --- fire and gas
  { kind: 'fire', re: /着火|著火|着伙|起火|失火|发生(了)?火灾|火灾现场|烧起来|烧着了|冒(浓|黑)?烟|浓烟|烟(很|好|特别)大|火(很|好|特别)大|火势|火苗|自燃|爆炸|(煤气罐|锅炉|电瓶|电池|充电宝)[^,.!?;]{0,3}炸|火警/ },
  { kind: 'fire', re: /(煤|燃|天然|液化)[气汽][^,.!?;]{0,4}(味|泄|漏)|闻到[^,.!?;]{0,4}(煤气|燃气|天然气|液化气|煤汽|焦味|烧焦)|烧焦的?味|一股焦糊?味/ },
  // --- medical
  { kind: 'medical', re: /晕倒|昏倒|晕过去|昏过去|昏迷|不省人事|叫不醒|没(有)?(呼吸|气了|意识|心跳)|心脏病(犯|发作)|心梗|脑梗|中风|抽搐|口吐白沫|大出血|流(了)?(很多|好多|一地|一身)?血|血流不止|都是血|出血不止|中毒|喝(了)?农药|吃了[^,.!?;]{0,4}(安眠药|老鼠药|农药)/ },
  { kind: 'medical', re: /摔[^,.!?;]{0,4}(起不来|不能动|动不了|昏)|倒[^,.!?;]{0,3}起不来|车祸|被车撞|撞人了|撞倒|溺水|掉(进|到)?(河|水|湖|井|池塘)(里)?|落水|喘不上气|喘不过气|快不行了|受(了)?(重)?伤|骨折|烫伤|触电|休克|难产|要生了|羊水破|噎住|倒地|倒在(路边|地上|路上|街上|门口|楼道|家里|屋里)|一动不动|不动了|躺(在)?地上|快死了|急救|(?<!\d)120(?!\d)/ },
  // --- missing people
  { kind: 'missing', re: /(?<!狗|猫|宠物|鸟)(走丢|走失|失踪|走散)|被拐|拐走|被抱走|人不见了|人找不到了|人丢了|找不到(家长|爸妈|妈妈|爸爸|家人)/ },
  { kind: 'missing', re: new RegExp(`${PERSON}((?!${OBJECT})[^?])` + '{0,14}' + '(不见了|找不到(?!工作|活|对象|地方|路|门路|材料|证|本|原因|人办|人问|人管)|丢了|失联|联系不上|打不通|(还|一直|到现在|至今|一夜|一晚上?|整夜|整晚|小时|天)[^,.!?;]{0,4}没(有)?回(家|来))') },
  // --- fraud in progress
  { kind: 'fraud', re: /正在转账|在转账|转账中|(让|叫|要|逼|催)我[^,.!?;]{0,6}(转|汇|打)(账|钱|款)|让我把钱|安全账户|(冒充|自称|说是|假装)[^,.!?;]{0,4}(公检法|警察|公安|民警|检察|法院|法官|警官|客服|领导|老板|老师|银行)|公检法|洗钱|通缉令|逮捕令|冻结(我的)?(账户|资金|银行卡)|屏幕共享|共享屏幕|远程(控制|协助)/ },
  { kind: 'fraud', re: /(发|给|报|告诉|念)[^,.!?;]{0,4}验证码|验证码[^,.!?;]{0,4}(给|发|告诉|念)|被骗|受骗|上当了|骗了我(?!们)|骗走|被诈骗|遇到诈骗了|碰到骗子|骗子(正在|在|让|叫|要)|刷单|(贷款|解冻|提现)[^,.!?;]{0,6}(保证金|手续费|解冻费)/ },
];

// Negation directly before the cue: "没着火", "没有人打架", "不是诈骗".
const NEGATION_BEFORE = /(没|没有|不是|并非|未|别|无)(人|在)?$/;
// Modal or preventive wording directly before the cue: "会着火吗", "防止被骗", "容易引发火灾".
const MODAL_BEFORE = /(会|会不会|能|可能|容易|怕|防|预防|防止|避免|以免|免得|导致|引起|引发|小心|谨防|担心|防范|如何防|怎么防|怎样)[^,.!?;]{0,2}$/;
// Advice or hypothetical framing anywhere in the message.
const HYPOTHETICAL = /如果|假如|万一|要是|假设|假使|倘若|一旦|预防|防范|防止|注意事项|知识|宣传|讲座|培训|演练|演习|常识|科普|技巧|怎么识别|如何识别|识别|辨别|防骗|反诈|手法|套路|案例|有哪些|什么是|是什么意思|犯法吗|违法吗|犯罪吗|判几年|怎么判|判刑|坐牢|会被(拘留|判|抓|罚)|怎么处罚|法律责任|算不算/;
// Long-past events.
const PAST = /去年|前年|几年前|多年前|上个月|上月|上半年|以前|曾经|小时候|很久以前|那年|早些年|前几年|几个月前|当年/;
// Something in the message says it is happening now; overrides hypothetical and past framing.
const PRESENT = /正在|救命|快来|快点|赶紧|马上|刚刚|刚才|就在|还在|!!|在线等|急急/;
// The resident already shut a fraud attempt down (a tip, not an emergency).
const FRAUD_AVERTED = /挂了|挂断|没理|不理他|没转|没有转|没上当|没被骗|识破|拉黑|没给他|没点|没有点|没汇|没搭理|没信/;

function clauseBounds(text: string, index: number): [number, number] {
  let s = index;
  while (s > 0 && !',.!?;\n '.includes(text[s - 1])) s--;
  let e = index;
  while (e < text.length && !',.!?;\n '.includes(text[e])) e++;
  return [s, e];
}

function isSuppressed(text: string, cue: Cue, m: RegExpExecArray): boolean {
  const [cs] = clauseBounds(text, m.index);
  const before = text.slice(cs, m.index);
  const after = text.slice(m.index + m[0].length, m.index + m[0].length + 2);
  if (NEGATION_BEFORE.test(before) && !/^(没|不)/.test(m[0])) return true;
  if (MODAL_BEFORE.test(before)) return true;
  const present = PRESENT.test(text);
  if (!cue.present && !present && HYPOTHETICAL.test(text)) return true;
  if (!present && PAST.test(text)) return true;
  if (after.startsWith('过')) return true; // "被骗过", "打过架" – experience, not now
  if (cue.kind === 'fraud' && FRAUD_AVERTED.test(text) && !/正在|在转|已经转|转了/.test(text)) return true;
  return false;
}

const PRIORITY: EmergencyKind[] = ['fraud', 'fire', 'missing', 'police', 'medical'];

/** Detects an emergency in raw resident text; returns the kind and the numbers to call, or null. */
export function detectEmergency(text: string): EmergencyInfo | null {
  return detectEmergencyNormalized(normalize(text));
}

/** Same as detectEmergency for text already passed through normalize(). */
export function detectEmergencyNormalized(t: string): EmergencyInfo | null {
  if (!t) return null;
  const specific = new Set<EmergencyKind>();
  let generic = false;
  const extra: string[] = [];
  for (const cue of CUES) {
    const re = new RegExp(cue.re.source, 'g');
    let m: RegExpExecArray | null;
    while ((m = re.exec(t))) {
      if (m[0].length === 0) { re.lastIndex++; continue; }
      if (isSuppressed(t, cue, m)) continue;
      if (cue.generic) generic = true;
      else specific.add(cue.kind);
      if (cue.extra) extra.push(...cue.extra);
      break;
    }
  }
  if (specific.size === 0 && !generic) return null;
  const kinds = PRIORITY.filter((k) => specific.has(k));
  const kind: EmergencyKind = kinds[0] ?? 'police';
  const numbers: string[] = [];
  for (const k of kinds.length ? kinds : ['police' as const]) for (const n of EMERGENCY_NUMBERS[k]) if (!numbers.includes(n)) numbers.push(n);
  for (const n of extra) if (!numbers.includes(n)) numbers.push(n);
  if (generic && !numbers.includes('110')) numbers.push('110');
  return { kind, numbers };
}
