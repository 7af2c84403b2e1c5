/**
 * A report of a crime that is not a danger right now: poppies grown on a hillside for years, a
 * "task rebate" group run by a shop owner, someone posing as the police station and collecting fees
 * in a residents' group. These are tips (taken as tips, with a line that an emergency goes to 110),
 * not emergencies: answering them with "call 110 now" leaves the tip untaken and teaches residents
 * that the bot cries wolf.
 *
 * Pure; works on normalised text (segment.ts). Two parts:
 *  - an illegal activity or scheme run by someone else (CRIME), and
 *  - a sign that it is ongoing business rather than a scene (HABIT: daily, for years, in a group chat,
 *    suspected), with no sign of a person in danger now (DANGER_NOW overrides everything).
 */

// Illegal activities, schemes and trades a resident reports about others.
const CRIME = new RegExp([
  '种(了|着|的)?[^,.!?;]{0,6}(罂粟|大烟|大麻)', '罂粟', '(抽|吸|卖|贩)[^,.!?;]{0,4}大烟', '大烟(地|田|花|苗)', '大麻', '赌(博|场|钱|得|局|球|档)', '聚赌', '麻将馆', '卖淫', '嫖', '不正经的?(生意|买卖)',
  '吸毒', '贩毒', '毒品', '吸东西', '锡纸', '溜冰', '制毒',
  '假(酒|烟|药|证|币|钞|货|学历|文凭|发票|健康证|身份证|车牌)', '假的[^,.!?;]{0,4}(证|发票|学历|文凭)', '制假', '售假', '黑作坊', '地沟油', '泔水油', '缺斤少两',
  '传销', '高利贷', '放贷', '套路贷', '非法集资', '刷单', '返利', '返现', '做任务', '保本', '高息', '(荐股|带单)',
  '冒充', '自称', '说自己是', '假扮', '假冒', '冒用', '盗用', '(用|拿)(了)?(我|别人|他人)的[^,.!?;]{0,4}(身份证|身份|医保卡|银行卡|手机号|名义)',
  '偷(倒|排|拆|电|快递|井盖|电缆|狗|鸡|油)', '偷偷(排|倒|卖|种|运|拉)', '排污', '倒(垃圾|渣土|建筑垃圾)', '电鱼', '炸鱼', '捕猎', '盗猎', '野生(鸟|动物)',
  '非法', '违禁', '违法', '无证', '没有(任何)?(资格|资质|手续|执照|营业执照|行医资格)', '(从来|从)不登记', '行医资格',
  '套牌', '来路不明', '偷来的', '收(购)?赃', '销赃', '倒卖', '贩卖', '卖[^,.!?;]{0,8}(枪|管制刀具|弓弩|个人信息|处方药|给(学生|未成年|小孩))',
  '推销[^,.!?;]{0,8}(理财|保健品|产品|药)', '保健品[^,.!?;]{0,8}(治|包治)', '(诈骗|传销|盗窃|犯罪)(团伙|窝点|集团)', '骗(人|老人|老年人|钱|子)',
  '诈骗', '虐待', '囤[^,.!?;]{0,8}(烟花|爆竹|炸药|汽油|煤气罐|液化气)', '私(自)?(改装|灌装|充装)', '未成年人?[^,.!?;]{0,6}(上网|喝酒|买烟)', '通宵上网',
  '(往楼下|往下|高空|从楼上)[^,.!?;]{0,2}(扔|抛|丢)', '高空抛物', '(收|交)(了)?[^,.!?;]{0,2}(钱|押金|定金)[^,.!?;]{0,4}(就)?(联系不上|跑了|不见人|拉黑|失联)',
  '排(污|黑水|废水|脏水|污水)', '往(河|江|湖|沟)里[^,.!?;]{0,2}(排|倒)', '偷拍', '地笼', '(毒|炸|电)鱼', '黑(诊所|车|网吧|作坊|中介|工厂|加油站|摩的|医)', '宰(客|外地人|人)',
  '(制作|制造|生产|私藏|藏|造)[^,.!?;]{0,4}(烟花|爆竹|炸药|雷管|枪|火药)', '(死|病死|注水)(猪|鸡|牛|羊)', '外围', '跑分', '洗钱',
  '(从来|从|一直)(都)?(没|不)(去)?登记', '私(拉|接|搭)[^,.!?;]{0,2}(电线|电|线)', '飞线', '(改|修复|洗白|消除)[^,.!?;]{0,2}征信', '警用(装备|服装|器械)', '手铐', '警服',
  '(收|收购|租|买卖|倒卖|借)[^,.!?;]{0,4}(身份证|银行卡|电话卡|手机卡)', '冒领', '冒名', '穿山甲', '保护动物', '果子狸', '低保', '贪污', '受贿', '行贿', '挪用',
  '无人机[^,.!?;]{0,10}(机场|禁飞)', '黑飞', '答案', '考试[^,.!?;]{0,4}(作弊|替考)', '替考', '(不用|不)考(试)?[^,.!?;]{0,4}(办|拿)', '盗版', '假名牌', '拉客',
  '推销', '(挑|专骗|骗)[^,.!?;]{0,2}(老人|老年人)', '跑路', '卷(钱|款)', '砍伐', '盗伐', '滥伐', '(小|地下)?作坊', '电子烟', '(能|可以|包)治(病|癌|百病)',
  '(好多|很多|不同)[^,.!?;]{0,6}身份证', '地下钱庄', '(换|倒)外汇',
  '消案底', '收(办证|办事|手续|管理|罚|会员|入会)的?(费|钱|款)', '收款码',
].join('|'));

// Ongoing business, not a scene: habitual, long-running, suspected, or seen online / in a group chat.
const HABIT = new RegExp([
  '偷偷', '天天', '每(天|晚|周|个?月|年|次|回)', '经常', '常常', '时常', '总是', '总在', '老是', '一直都', '长期', '多年', '好几(年|个月|次|回|天了)',
  '几年了', '(几|好几|两|三)个月', '专门', '平时', '整天', '怀疑', '我觉得', '觉得是', '感觉(是|像|不对)', '不对劲', '好像(是|种|在|加了)', '像是', '疑似',
  '估计', '应该是', '据说', '听说', '群里', '业主群', '商户群', '微信群', '朋友圈', '网上', '抖音', '快手', '直播', '淘宝', '闲鱼', '公众号', '二维码', '链接',
  '有家', '那家', '这家', '附近有', '(有个|一个)(中介|微商|摊主|网吧|诊所|药店|民宿|废品站|仓库|作坊|公司|商家|店)', '镇上', '村里', '我们(这儿|这里|那儿|村|镇)',
  '(超市|小卖部|足疗店|饭馆|网吧|诊所|药店|驿站)(老板)?', '好多(老人|人)(买|交|上当)', '收了钱', '联系不上了',
].join('|'));

// A person in danger now, or the resident being defrauded right now: never a tip.
const DANGER_NOW = new RegExp([
  '救命', '救救', '快来', '快点', '快(啲|d|滴|di)', '好大烟', '烟(很|好|特别|老)大', '火(很|好|特别|老)大',
  '(准备|正要|要去|打算|正在去)[^,.!?;]{0,6}(转|汇|银行|打钱|付|充)', '我已经(转|汇|充|付|交)了', '赶紧', '马上', '来人', '血', '晕', '昏', '不动了', '起不来', '没(有)?(呼吸|反应|气)', '着火', '起火', '冒(黑|浓)?烟', '烧起来', '浓烟', '爆炸', '炸了',
  '(拿|持|举|掏)(着|出)?[^,.!?;]{0,2}(刀|枪|棍)', '砍(人|伤|死|我|他|她|了)', '砍刀', '捅', '打(人|我|起来|架|伤|死)', '揍', '(让|叫|要|逼|催|教)我[^,.!?;]{0,8}(转|汇|打钱|交|付|充|下载|开|共享|说|报|去银行)',
  '我(正|正在|已经|刚|刚刚)[^,.!?;]{0,6}(转|汇|付|交)', '说我', '(给|打|跟|和)我[^,.!?;]{0,2}(打电话|电话|视频|发短信)', '我(的)?(账户|银行卡|卡)[^,.!?;]{0,4}(冻结|涉嫌)', '(正在|还在)[^,.!?;]{0,6}(转账|汇款|转钱|打钱|通话|视频)', '我(被|让人)骗了', '被骗了', '(被|让人)骗(走|去|掉|光)', '钱被骗', '跟踪', '尾随', '绑', '关在', '锁在', '出不去', '出不来',
  '跳(楼|河|桥|下)', '不见了', '走丢', '失踪', '找不到孩子', '抢', '撬', '闯', '威胁', '要杀', '人命',
].join('|'));

// An advice or legal question about such an activity ("…违法吗", "怎么识别") is a question, not a report.
const ASKING = /(违法|犯法|犯罪|合法|违规)(吗|么|不|嘛)|算不算|(怎么|如何|咋)(处罚|判|处理|识别|辨别|防)|会被(判|抓|拘留|罚)|判几年|新闻(上|里)?|电视(上|里)|宣传/;
// Someone else does it: "有人…", "有个中介…", "有家诊所…".
const THIRD_PARTY = /有人|邻居|有个(人|男|女|老板|中介|摊主|商家|店|公司|团伙|群|微商)|有家|有户|有辆|某(人|个|家)|那家|这家/;

// Told as happening at this moment ("有人正在偷快递，现在还在"): theft or fraud in progress stays a 110 matter.
const NOW = /现在|正在|还在|刚(刚|才)|此刻|这会/;

/**
 * True when normalised text reports a crime or scheme that is not a danger right now (a tip, not an
 * emergency): an illegal activity run by others, framed as habitual, long-running, suspected or seen in a
 * group chat or online, with nothing that puts a person in danger now.
 */
export function isNonImminentCrimeReport(t: string): boolean {
  if (!t || DANGER_NOW.test(t) || !CRIME.test(t)) return false;
  return HABIT.test(t) || (THIRD_PARTY.test(t) && !NOW.test(t));
}

/** A report of someone else's illegal activity, framed or not: the intent is a tip (used after the emergency check). */
export function reportsCrime(t: string): boolean {
  if (!t || DANGER_NOW.test(t) || ASKING.test(t)) return false;
  return CRIME.test(t) && (HABIT.test(t) || THIRD_PARTY.test(t));
}
