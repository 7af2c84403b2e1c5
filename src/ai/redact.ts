/**
 * What of a resident's text may leave for a language model provider: phone numbers, ID numbers and
 * personal names are replaced by placeholders first ([手机号], [身份证号], [姓名]). The model needs the
 * question, never whose it is.
 *
 * Names are found by jieba's part-of-speech tagger (tag "nr", person name; the same dictionary the
 * understanding core segments with), widened by a surname split off in front of it ("刘" + "芳"), plus
 * the ways residents introduce a name ("我叫…", "姓名…", "…先生/女士").
 */
import { getJieba } from '../understanding/segment';

const ID_NUMBER = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)/g;
const MOBILE = /(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)/g;
// Landlines and any other long number (bank cards, QQ numbers): nothing a service question needs.
const LONG_NUMBER = /(?<!\d)(?:0\d{2,3}[- ]?)?\d{7,}(?!\d)/g;

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const INTRODUCED = new RegExp(
  `(我叫|我是|名字(是|叫)|姓名(是|叫)?[:：]?|叫做|本人|女儿|儿子|老伴|爱人|妻子|丈夫|母亲|父亲|妈妈|爸爸|老公|老婆|孙子|孙女|邻居)\\s*([${SURNAMES}][\\u4e00-\\u9fa5]{1,2})|([${SURNAMES}][\\u4e00-\\u9fa5]?)(先生|女士|小姐|阿姨|大爷|大妈|师傅|老师|同志)`,
  'g',
);
// Words jieba sometimes tags as names that are not (kinship and role words kept for the question's sense).
const NOT_A_NAME = /^(民警|警官|老人|阿姨|大爷|师傅|老师|同志|小孩|孩子|妈妈|爸爸)$/;

function maskNames(text: string): string {
  const tokens = getJieba().tag(text, true);
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    const { tag, word } = tokens[i];
    if (tag === 'nr' && !NOT_A_NAME.test(word)) {
      // A surname jieba split off in front ("刘" + "芳", "一下张" + "丽") belongs to the name.
      if (out && SURNAMES.includes(out[out.length - 1]) && word.length <= 2) out = out.slice(0, -1);
      out += '[姓名]';
    } else {
      out += word;
    }
  }
  return out.replace(INTRODUCED, (m, intro?: string, _a?: string, _b?: string, _name?: string, _sur?: string, title?: string) =>
    intro ? `${intro}[姓名]` : `[姓名]${title ?? ''}`,
  ).replace(/(\[姓名\]){2,}/g, '[姓名]');
}

/** The resident's text as it may be sent to a language model: numbers and names replaced. */
export function redactForModel(text: string): string {
  const numbersOut = text.replace(ID_NUMBER, '[身份证号]').replace(MOBILE, '[手机号]').replace(LONG_NUMBER, '[号码]');
  return maskNames(numbersOut);
}
