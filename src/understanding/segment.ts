/**
 * Text normalisation and Chinese word segmentation.
 * Pure apart from the lazily created jieba instance (a native, in-memory dictionary).
 */

import { Jieba } from '@node-rs/jieba';
// The dictionary entry point ships without a usable module declaration for our resolution mode.
const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };

/** Domain words jieba would otherwise split (居住证 → 居住/证 in some contexts). */
export const DOMAIN_WORDS: readonly string[] = [
  '居住证', '居住登记', '暂住证', '暂住登记', '无犯罪记录证明', '无犯罪证明', '无犯罪记录', '良民证',
  '临时身份证', '临时居民身份证', '身份证', '户口本', '户口簿', '户籍证明', '户口证明', '亲属关系证明',
  '同一人证明', '户口注销证明', '港澳通行证', '台湾通行证', '往来港澳通行证', '护照', '签注', '出生证明',
  '出生医学证明', '出生登记', '新生儿', '上户口', '报户口', '补登', '补录', '黑户', '落户', '迁入', '迁出',
  '准迁证', '迁移证', '分户', '立户', '户主', '死亡证明', '火化证明', '销户', '注销户口', '出租屋',
  '出租房屋', '房东', '租客', '消防', '灭火器', '烟感', '电动车', '电瓶车', '飞线充电', '失物招领',
  '遗失登记', '捡到', '警务室', '网上警务室', '流动警务室', '社区民警', '片警', '开放日', '恳谈日',
  '警民恳谈日', '预约', '改约', '取消预约', '举报', '匿名举报', '调解', '投诉', '冒充公检法', '安全账户',
  '屏幕共享', '刷单', '咋整', '咋办', '咋弄', '啥时候', '俺家', '娃', '煤气味', '燃气', '天然气',
];

let jieba: Jieba | null = null;

/** The shared jieba instance, created on first use with the default and domain dictionaries. */
export function getJieba(): Jieba {
  if (!jieba) {
    const j = Jieba.withDict(dict);
    j.loadDict(Buffer.from(DOMAIN_WORDS.map((w) => `${w} 200000 n`).join('\n') + '\n'));
    jieba = j;
  }
  return jieba;
}

// A small map of traditional characters that residents in mixed groups actually type.
const TRAD = '證戶號門買會開問辦發處詐騙錢轉賬報車電鄰樓時間遷記錄無請簽護臨歲過還這麼嗎預約們難幫將兒見進燒煙氣醫搶殺鬥爭擾聲東貨遺領補換務點個說話讓對給從為來後沒樣鑰匙網實際裡親屬關係婦媽爺奶孫業導註銷條亂碼罰費應該覺權擊竊盜槍傷暈倒險災滅訊撥號碼圖書館麗劃線紹謝嗯';
const SIMP = '证户号门买会开问办发处诈骗钱转账报车电邻楼时间迁记录无请签护临岁过还这么吗预约们难帮将儿见进烧烟气医抢杀斗争扰声东货遗领补换务点个说话让对给从为来后没样钥匙网实际里亲属关系妇妈爷奶孙业导注销条乱码罚费应该觉权击窃盗枪伤晕倒险灾灭讯拨号码图书馆丽划线绍谢嗯';
const TRAD_MAP = new Map<string, string>();
for (let i = 0; i < Math.min(TRAD.length, SIMP.length); i++) TRAD_MAP.set(TRAD[i], SIMP[i]);
const TRAD_RE = new RegExp(`[${TRAD}]`, 'g');

// Residents without a Chinese keyboard type pinyin ("hukou qianchu yao duojiu"). Domain words and a few
// function words, without tones; a latin run is converted only when it splits entirely into these words.
const PINYIN: Record<string, string> = {
  hukou: '户口', hukouben: '户口本', huji: '户籍', hujizhengming: '户籍证明', shenfenzheng: '身份证', sfz: '身份证',
  juzhuzheng: '居住证', juzhudengji: '居住登记', zanzhuzheng: '暂住证', zanzhu: '暂住', qianchu: '迁出', qianru: '迁入', qianzou: '迁走',
  qianhukou: '迁户口', luohu: '落户', shanghukou: '上户口', baohukou: '报户口', chusheng: '出生', chushengzheng: '出生证', xinshenger: '新生儿',
  fenhu: '分户', lihu: '立户', zhengming: '证明', wufanzui: '无犯罪', fanzui: '犯罪', jilu: '记录', huzhao: '护照', gangao: '港澳',
  tongxingzheng: '通行证', qianzhu: '签注', linshi: '临时', buban: '补办', huanling: '换领', guoqi: '过期', daoqi: '到期',
  yuyue: '预约', quxiao: '取消', gaiqi: '改期', jubao: '举报', zhapian: '诈骗', pianzi: '骗子', beipian: '被骗', zhuanzhang: '转账',
  zhaohuo: '着火', zhaohuole: '着火了', qihuo: '起火', jiuming: '救命', baojing: '报警', toushu: '投诉', jingwushi: '警务室',
  minjing: '民警', diule: '丢了', diu: '丢', zenme: '怎么', zenmeban: '怎么办', duojiu: '多久', xuyao: '需要', cailiao: '材料',
  shenme: '什么', nali: '哪里', zaina: '在哪', banli: '办理', dengji: '登记', chuzu: '出租', chuzufang: '出租房', fangdong: '房东',
  siwang: '死亡', qushi: '去世', zhuxiao: '注销', xiaohu: '销户', gaiming: '改名', gengzheng: '更正', shiwu: '失物', jiandao: '捡到',
  qianbao: '钱包', xiaofang: '消防', diandongche: '电动车', chongdian: '充电', kaifangri: '开放日', shijian: '时间', jijiu: '急救',
  zhaobudao: '找不到', bujian: '不见', bujianle: '不见了', zoudiu: '走丢', haizi: '孩子', laoren: '老人',
  // Emergencies typed in pinyin ("jiu ming a you ren qiang wo bao"): verbs, people, places, particles.
  qiang: '抢', qiangjie: '抢劫', dajie: '打劫', qiangle: '抢了', touqian: '偷钱', xiaotou: '小偷', tou: '偷', toule: '偷了',
  dajia: '打架', daren: '打人', dawo: '打我', sharen: '杀人', kanren: '砍人', daozi: '刀子', dao: '刀', bangjia: '绑架',
  jiuwo: '救我', jiujiu: '救救', kuailai: '快来', kuaidian: '快点', bangmang: '帮忙', qihuole: '起火了', shaoqilai: '烧起来',
  mao: '冒', yan: '烟', huo: '火', liuxue: '流血', xue: '血', yundao: '晕倒', hunmi: '昏迷', tiaolou: '跳楼', zisha: '自杀',
  genzong: '跟踪', qiaomen: '撬门', zamen: '砸门', shoujibei: '手机被', shouji: '手机', qianbaobei: '钱包被',
  youren: '有人', qiujiu: '求救', qian: '钱', ming: '命', paole: '跑了', kuai: '快', lai: '来',
};
// Short syllables, used only inside a run of three or more space-separated latin words that converts
// completely ("jiu ming a you ren qiang wo bao"): alone they would turn English words into Chinese.
const PINYIN_SHORT: Record<string, string> = {
  you: '有', ren: '人', wo: '我', ni: '你', ta: '他', men: '们', women: '我们', de: '的', le: '了', a: '啊', ya: '呀',
  bao: '包', bei: '被', zai: '在', jiu: '就', pao: '跑', wang: '往', dong: '东', xi: '西', nan: '南', qu: '去', zhe: '这',
  li: '里', jia: '家', kuai: '快', lai: '来', ba: '吧', ma: '吗', shi: '是', mei: '没', hen: '很', hao: '好',
  lou: '楼', xia: '下', shang: '上', da: '打', na: '拿', zou: '走', ban: '办', zen: '怎', me: '么', sha: '杀', kan: '砍',
};
const PINYIN_KEYS = Object.keys(PINYIN).sort((a, b) => b.length - a.length);
const PINYIN_ALL: Record<string, string> = { ...PINYIN_SHORT, ...PINYIN };
const PINYIN_ALL_KEYS = Object.keys(PINYIN_ALL).sort((a, b) => b.length - a.length);
const PINYIN_RUN_RE = /[a-z]{3,}/g;
const PINYIN_PHRASE_RE = /(?<![a-z0-9])[a-z]+(?: [a-z]+){2,}(?![a-z0-9])/g;

function pinyinWord(run: string, keys: readonly string[] = PINYIN_KEYS, dict: Record<string, string> = PINYIN): string | null {
  // Greedy longest-first split; a run that does not split completely is left alone (English, codes, names).
  let out = '';
  let i = 0;
  while (i < run.length) {
    const key = keys.find((k) => run.startsWith(k, i));
    if (!key) return null;
    out += dict[key];
    i += key.length;
  }
  return out;
}

/** A space-separated pinyin sentence, converted when every word converts; else null. */
function pinyinPhrase(phrase: string): string | null {
  // Joined first, so that words typed apart still form one ("jiu ming" → 救命), then word by word.
  const joined = pinyinWord(phrase.replace(/ /g, ''), PINYIN_ALL_KEYS, PINYIN_ALL);
  if (joined !== null) return joined;
  const words = phrase.split(' ');
  const out: string[] = [];
  for (const w of words) {
    const c = pinyinWord(w, PINYIN_ALL_KEYS, PINYIN_ALL);
    if (c === null) return null;
    out.push(c);
  }
  return out.join('');
}

/** Names the bot is commonly mentioned by in groups, longest first. */
const BOT_NAMES = ['网上警务室小助手', '警务室小助手', '警务小助手', '网上警务室', '社区警务室', '小助手', '警务室', '机器人'];

// Individual code points (modifiers, joiners, keycaps) are meant to be matched one by one here.
// eslint-disable-next-line no-misleading-character-class
const EMOJI_RE = /[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\u{FE0E}\u{FE0F}\u{200D}\u{20E3}\u{E0020}-\u{E007F}]/gu;
const SOS_RE = /🆘/gu;

/**
 * Normalises resident text: NFKC (full-width → half-width), lower case, a few traditional characters,
 * @mentions and emoji removed, whitespace collapsed. Chinese punctuation becomes ASCII punctuation.
 */
export function normalize(input: string, botNames: readonly string[] = BOT_NAMES): string {
  let t = String(input ?? '');
  t = t.replace(SOS_RE, ' 救命 ');
  t = t.normalize('NFKC').toLowerCase();
  // "。" and "、" survive NFKC; map them so clause splitting sees one punctuation set.
  t = t.replace(/[。｡]/g, '.').replace(/[、]/g, ',').replace(/[“”「」『』]/g, '"').replace(/[‘’]/g, "'");
  t = t.replace(TRAD_RE, (c) => TRAD_MAP.get(c) ?? c);
  if (/[a-z]{3}/.test(t)) {
    t = t.replace(PINYIN_PHRASE_RE, (phrase) => pinyinPhrase(phrase) ?? phrase);
    t = t.replace(PINYIN_RUN_RE, (run) => pinyinWord(run) ?? run);
  }
  t = stripMentions(t, botNames);
  t = t.replace(EMOJI_RE, ' ');
  t = t.replace(/[\s\u2005\u3000]+/g, ' ').trim();
  return t;
}

/** Removes @mentions. A mention ends at whitespace (WeChat inserts U+2005) or is a known bot name. */
export function stripMentions(t: string, botNames: readonly string[] = BOT_NAMES): string {
  return t.replace(/@([^\s\u2005@]{0,24})([\s\u2005]|$)?/g, (_m, name: string, sep: string | undefined) => {
    if (sep !== undefined) return ' ';
    const known = botNames.find((n) => name.startsWith(n.toLowerCase()));
    return known ? ' ' + name.slice(known.length) : ' ' + name;
  });
}

const PUNCT_RE = /^[\s\p{P}\p{S}]+$/u;

/** Words of a normalised text (jieba with HMM), punctuation and spaces dropped. */
export function segment(normalized: string): string[] {
  if (!normalized) return [];
  return getJieba().cut(normalized, true).filter((w) => !PUNCT_RE.test(w));
}

/** Search-mode words (long words plus their sub-words), for retrieval. */
export function segmentForSearch(normalized: string): string[] {
  if (!normalized) return [];
  return getJieba().cutForSearch(normalized, true).filter((w) => !PUNCT_RE.test(w));
}
