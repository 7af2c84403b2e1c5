/**
 * Intent rules. Everything here works on normalised text (see segment.ts) and is pure.
 * Order of decisions (after the emergency check, which always runs first):
 * status-by-code → complaint → status → appointment → tip → dispute → info → service → general → chitchat.
 */
import { reportsCrime } from './crime-report';
import type { AppointmentAction, Intent } from './types';

// --- complaint: police conduct, slow or absent service
const COMPLAINT = new RegExp([
  '投诉', '态度(太|很|特别|非常|极其|真|挺|有点)?(差|不好|恶劣|冷漠|蛮横|生硬|凶|恶|差劲)', '不作为', '乱作为', '推诿', '踢皮球', '推来推去',
  '敷衍', '刁难', '吃拿卡要', '(太|很|特别|真)(慢|拖拉|拖沓|磨叽|折腾|差劲|不负责)', '拖拖拉拉', '拖(了|着)[^,.!?;]{0,4}(天|周|月|礼拜|星期)',
  '效率(太|很|真)?(低|差)', '没人(理|管|接|回|处理|来处理|给)', '不理人', '不回(复|消息)', '一直没人接', '没有人接',
  '(半个月|一个月|一个多月|好几天|十几天|一周|一个礼拜|一个星期|这么久|这么长时间|几个月|好久|好几周)[^.!?;]{0,12}(没|不|也没|都没)(消息|动静|回复|回音|结果|说法|下文|人管|人理|办下来|处理|给)',
  '(没|不)满意', '不专业', '一问三不知', '(啥|什么)都不(知道|懂)', '业务不熟', '你们(怎么|咋)回事', '太不像话', '去了[^,.!?;]{0,4}没(人|开门)',
  '(半个月|一个月|一个多月|好几天|十几天|一周|一个礼拜|一个星期|这么久|几个月|好久|好几周|[0-9一二三四五六七八九十两几]+(天|周|个月))[^.!?;]{0,10}还没(办好|办下来|好|弄好|消息|结果|回复)', '偏袒', '不公平', '不服', '差评', '找(你们)?领导', '12389', '监督电话', '答非所问', '说话[^,.!?;]{0,3}(冲|难听)',
  '没耐心|一点耐心',
  // messages left unanswered: "三天了都不回", "一条都不回", "也不回一下"
  '(都|也|还|一直|从来|根本)(不|没)(回|理|搭理|答复|回复)(?!来|家|去|老家|到|国|村)', '不带回的', '已读不回',
  // booked and still queued: "预约了还要排队", "预约有啥用"
  '(预约|约)(了|好了|好的)?[^.!?;]{0,14}(还|也|照样|还得|还要|还让|仍然)[^,.!?;]{0,8}(排队|排了|等了)', '(预约|约)(有|还有)(啥|什么|个啥)(用|意义)', '那还(预)?约(啥|什么|个啥)', '白约',
  // a wait or repeated attempts that got nowhere: "反映了一个月了问题一点没解决", "打了三次电话都说领导不在"
  '(反映|提交|留言|打电话|报)(了)?[^.!?;]{0,8}(天|周|礼拜|星期|个月|次|回|遍)[^.!?;]{0,10}(一点|一直|还是|都|也|仍然)(也|都)?(没|不)(解决|处理|人管|人理|动静|回复|消息|下文|改)',
  '(打了|去了|跑了|问了|找了|来了)[^,.!?;]{0,4}(三|四|五|几|好几|两|[0-9]+)(次|趟|回|遍)[^.!?;]{0,12}(都|也|还)(说|是|没|不)',
  '(说好|约了|约的|约好|预约了|预约的)[^.!?;]{0,12}(结果|可是|但是|却)[^.!?;]{0,10}(才|没|不|还)', '(才|还没)开门', '领导不在',
  '排了[^,.!?;]{0,6}(小时|半天|上午|下午)[^,.!?;]{0,2}(的)?队', '玩手机', '跑了[^,.!?;]{0,3}(趟|次)', '来回跑', '跑(好|了)?几(趟|次)', '门锁着', '不在岗', '擅离职守', '收红包|要好处',
  // a report that went nowhere: "报案到现在一个电话都没有 你们到底管不管"
  '(到底|还)?管不管', '(报案|报警|报了警|立案)[^.!?;]{0,12}(到现在|至今|快|都)[^.!?;]{0,10}(没|一点)(人|消息|动静|下文|电话|联系)',
].join('|'));
const OFFICER = /民警|警察|辅警|警官|协警|工作人员|窗口|你们/;
const OFFICER_MISCONDUCT = /骂人|吼|凶(我|人)|推(我|人)|打人|大呼小叫|吆五喝六|爱答不理|爱理不理|不耐烦|甩脸色?|脸色(难看|不好)|阴阳怪气|翻白眼|冷嘲热讽|训(我|人|斥)/;

// --- status: progress of something already submitted
const STATUS = new RegExp([
  '进度', '进展', '(怎么|咋)样了', '如何了', '处理(得)?(怎么样|如何|到哪)', '(办|处理|弄|做|查|解决|批)(好|完|下来)?了(没|吗|没有|嘛|么)',
  '(办|处理|做|弄|查)到哪', '到哪(一步|了)', '有(结果|回复|回音|消息|下文|进展|答复|人(处理|跟进|管|查))(了)?(吗|没|没有|嘛|么)?',
  '什么状态', '查询[^,.!?;]{0,6}(事项|进度|结果|状态)', '回执号', '受理号', '跟进', '后续', '上次(反映|说|提交|留言|举报|问|调解|报)',
  '(前|昨)(天|几天)[^,.!?;]{0,6}(反映|提交|留言|举报|报)', '我(提交|反映|举报|留言|报)的', '查(一下|下|询)?(我的)?(预约|事项|举报)',
  '能(去)?(拿|取|领)了(吗|没|么)', '(结果|回复|答复|消息|处理意见)[^,.!?;]{0,2}(出来|下来)了(吗|没|么)?', '(处理|办)到(什么|啥)(程度|地步|阶段)',
  '(之前|上次的?|前几天|上周|上礼拜)(反映|提交|说|举报|报|留言|调解)的', '预约(成功|约上|通过|确认)了?(吗|没|么)', '(做|制|办)好了没', '有消息了', '查了没',
  // "出来没", "批下来没", "做好没有", "开出来了吗", "好了没"
  '(出来|下来|做好|办好|弄好|开好|办完|弄完|批|审|好|到)了?(没|没有)(?!有?(人|空|时间|带|法|办法))', '(出来|下来|做好|办好|弄好|开好|办完|批下来|开出来|审好|审完)了(吗|么|嘛)',
  '(能|可以)(去)?(拿|取|领)了?没', '(审批|审核|审)到哪',
  // the resident forgot their own booking: "我预约的是几号来着"
  '(我|俺)?(预约|约)的(是|在)?[^,.!?;]{0,3}(几号|哪天|哪一天|什么时候|啥时候|几点|星期几|周几|礼拜几)', '(预约|约)(的)?(时间|日期|号)[^,.!?;]{0,2}(是|忘)', '忘(了|记)[^,.!?;]{0,6}(预约|约)(的|了)',
].join('|'));

// --- appointment
// Any verb use of 约 ("约个", "帮我约一下", "约好的", "我明天约的"), but not 大约/节约/约定/约会…, nor 约 + a quantity ("约15个工作日").
const APPOINTMENT = /预约|预订|改约|挂号|排号|取号|(?<!大|节|简|婚|合|特|制|公|邀|相|隐|条|违|履|签|租|契|赴|失|誓|盟|规|纽|集|制)约(?!束|定|会|莫|摸|谈|合|为|占|等于|法|稿|数|分|[0-9]|[一二三四五六七八九十两几半]+(天|周|年|小时|分钟|元|块|成|倍|个(工作日|月|小时|星期|礼拜|多)))/;
// 约访 in the resident's words: asking to sit down with the station's leader or the officer ("找所长谈谈", "想跟民警当面聊聊").
const TALK_REQUEST = /(找|见|约)(一下|一次)?(你们)?(的)?(所长|所领导|派出所领导)[^,.!?;]{0,6}(谈|聊|见面|当面|面谈)|(和|跟|同)(你们)?(的)?(所长|所领导|社区民警|民警|警官)(当面|见面)(谈|聊)|(见|找)(所长|所领导)$/;
const APPOINTMENT_QUESTION = /(需要|要|用|得|必须|需不需要|要不要|用不用|需|是否要|是否需要)(提前)?(预)?约(吗|么|嘛|不|没)?$|(需要|要|用|得|必须|需不需要|要不要|用不用)(提前)?(预)?约(吗|么|嘛|不)|不(预)?约(可以|能|行)|(提前)(几天|多久|多长时间|多少天)[^,.!?;]{0,2}(预)?约|(预)?约[^,.!?;]{0,4}(要|得|需要)?提前(几天|多久|多长时间|多少天)/;
const CANCEL = /取消|退掉|退了|不去了|去不了|来不了|不约了|撤销|不用了/;
const CHANGE = /改约|改期|改(到|成|在|天|日子|时间|一下时间)|换(个|一下|一个)?(时间|日子|天)|调(整)?(个|一下)?时间|推迟|延后|延期|提前到|挪(到|一下)|能不能早点|往(后|前)(推|挪|延|移|调|改|提)|推(到|后|一|两|几)|顺延|挪(个|一|两|几)|(晚|早)(一|两|几)天/;

// --- tip (not in progress)
const TIP = new RegExp([
  '举报', '检举', '揭发', '线索', '匿名', '赌博', '聚赌', '赌钱', '赌场', '开赌', '赌得', '吸毒', '贩毒', '毒品', '溜冰', '嗑药', '传销',
  '非法集资', '卖淫', '嫖娼', '黄赌毒', '色情', '不正当', '可疑', '不对劲', '鬼鬼祟祟', '形迹', '假烟', '假酒', '假币', '制假', '售假', '假货',
  '逃犯', '罂粟', '大麻', '种毒', '制毒', '通缉犯', '电鱼', '偷拍', '黑网吧', '未成年人上网', '套路贷', '高利贷', '诈骗[^,.!?;]{0,2}(电话|短信|团伙|窝点|号码|网站|网址|链接|app|软件|群|平台|账号|微信)', '钓鱼网站', '骗子(电话|短信|号码)?',
  '冒充[^.!?;]{0,12}(挂了|没理|没信)', '(反映|提供)(个|一个|一下|点)?(情况|线索)', '车牌[^,.!?;]{0,4}假', '假(车)?牌', '非法', '违法(行为|犯罪)',
  '骗了(我们|好几|很多|不少|邻居)', '是骗人的', '诈骗吧', '骗子吧', '盗窃团伙', '偷狗', '收赃', '窝点',
  // trading bank/phone cards and accounts (used by fraud rings)
  '(收|收购|回收|买卖|倒卖|出租|出借|租用|借用|高价收)[^,.!?;]{0,4}(银行卡|电话卡|手机卡|银行账户|对公账户|微信号|qq号|支付宝|u盾|营业执照)', '两卡', '跑分',
  // the resident hands over evidence of a scam: "号码发给你们", "网址提供给你们"
  '(号码|截图|链接|网址|录音|聊天记录|证据|对方(的)?(账号|电话|微信|银行卡))[^,.!?;]{0,6}(发|提供|给|交|转)(给)?(你们|警方|警察|民警|一下|看看)',
  '(应该|肯定|八成|估计|多半|疑似|怀疑|像|好像)(是)?[^,.!?;]{0,2}(诈骗|骗子|骗人|骗钱|传销|假的|钓鱼)', '(假冒|冒充)(?![^?]{0,12}(怎么|如何|咋)(识别|辨别|区分|防|办|处理))',
  '不正常', '不太对劲', '很奇怪的人',
].join('|'));

// --- dispute between residents
const DISPUTE = new RegExp([
  '邻居', '楼上', '楼下', '对门', '隔壁', '对面', '噪音', '噪声', '吵(得|死|架|闹|起来|人)', '扰民', '太吵', '大声', '音响', '广场舞', '装修',
  '砸墙', '电钻', '半夜', '深夜', '剁', '唱k', '唱歌', '跳舞', '蹦', '狗(叫|屎|咬)', '遛狗', '车位', '占(用|了|着)?(车位|过道|楼道|地方|走廊)',
  '挡(路|道|门)', '堵(门|路|住|着)', '挪车', '乱停', '停在[^,.!?;]{0,6}(门口|车库)', '堆(放|物|东西|杂物|纸箱|满|着|了)', '杂物', '漏水', '渗水',
  '油烟', '烟味', '空调外机', '摄像头', '纠纷', '矛盾', '调解', '争执', '吵起来', '闹翻', '闹起来', '分家', '押金', '欠钱', '欠款',
  '不还钱', '婆媳', '管管', '协调', '说了也不', '不听劝', '骂人', '谈不拢', '说不通', '扯皮', '(不|不给|不肯)退', '赖着不', '闹矛盾', '滴(到|在)我家', '对着我家',
  '(堵|挡|占|停|堆|放)(着|了|在|住|满)?[^,.!?;]{0,6}(消防通道|安全出口|疏散通道|通道|过道|楼梯口?)', '(那家|那户|那一家|那个人家)(?!长)',
].join('|'), 'g');

const DISPUTE_STRONG = /纠纷|调解|闹矛盾|邻里矛盾|家庭矛盾/;

// --- info about the room itself
// Questions about what the room can do, fees and online service are service questions without a service.
const SERVICE_META = /(能|可以|都)(办|管|处理)(理)?(些)?(什么|啥|哪些|哪几样)|(办|管)(哪些|什么|啥)(业务|事|证)|(收费|收钱|要钱|交钱|花钱|工本费|收不收(费|钱)|免费)(吗|么|嘛|不|\?|$)|(网上|线上|手机上?|在线|微信上?)(能|可以|就能)?(直接)?(办|申请|弄|提交)|跑(一|几|两)趟|不用跑|(必须|一定|非得|需要|要)(本人)?(亲自)?(到场|去现场|跑)/;
// Who the community officer is, or whether they changed.
const OFFICER_INFO = /(管|负责)[^,.!?;]{0,8}(的)?(民警|警察|片警|警官)|(民警|警察|片警|警官)[^,.!?;]{0,4}(换人|换了|调走|是哪位|哪位|叫什么|叫啥|姓什么|姓啥|是谁)|新来的[^,.!?;]{0,4}(民警|警察|片警|警官)/;
const INFO_STRONG = /开放日|恳谈|18号|十八号|流动警务|警务车|片警|管片民警|社区(的)?民警|民警是谁|警官是谁|值班|和派出所|警务室(是|在哪|在什么|地址|电话|几点|上班|开门)|(你们|警务室)[^,.!?;]{0,4}(几点|上班|下班|开门|关门|电话|地址|在哪)/;
const INFO_WEAK = /(几点|什么时候|啥时候|几时)(上班|下班|开门|关门|开始|结束|营业|休息|有人)|上班|下班|办公时间|工作时间|营业时间|开门|关门|开不开|周末|周六|周日|星期[六天日]|礼拜[六天日]|节假日|假期|放假|国庆|春节|五一|中午|午休|地址|在哪(里|儿|个位置)?|怎么走|坐几路|公交|地铁|导航|停车|电话(多少|是多少|号码)|联系方式|怎么联系|警务室|你们(这|那)?(里|儿)?/;

// --- greetings, thanks, small talk
const CHITCHAT = /^(你好|您好|hi|hello|哈喽|嗨|在吗|在不在|在么|有人吗|谢谢|多谢|感谢|谢啦|谢了|辛苦|好的|好滴|好嘞|好吧|ok|嗯|哦|噢|收到|明白|知道了|早上好|早安|上午好|中午好|下午好|晚上好|晚安|再见|拜拜|哈哈|呵呵|👍|赞)|你是(谁|机器人|真人|ai)|你叫(什么|啥)|机器人吗|天气|吃了吗|为人民服务|辛苦了|谢谢|(真|很|太|好)(负责|好|棒|给力|贴心|专业|耐心|热心)|点赞|好评|(太|真|也太|挺|不)容易|辛苦辛苦|幸苦|早点休息|注意(身体|休息)|保重|别太累/;

// --- questions about police matters outside the 21 services (anti-fraud, safety, reporting)
const GENERAL = /诈骗|防骗|骗子|反诈|被骗|报案|报警|防盗|安全|犯法|违法|法律|证明|户口|户籍|身份证|证件|办理|手续|材料|民警|警察/;

// 6–10 letters and digits, both present: a follow-up code even when it does not parse.
const LOOSE_CODE = /(?<![a-z0-9])(?=[a-z]*[0-9])(?=[0-9]*[a-z])[a-z0-9]{6,10}(?![a-z0-9])/;
const LOOKUP = /查|进度|状态|结果|到哪|回执|编号|单号|怎么样|如何/;

const QUESTION = /[?吗么嘛呢]|怎么|咋|如何|啥|什么|哪|几|多少|能不能|可不可以|可以不|行不|要不要|是不是/;

export interface IntentDecision {
  intent: Exclude<Intent, 'emergency'>;
  confidence: number;
  appointmentAction: AppointmentAction | null;
  /** A question about the room's services in general (fees, online, what it handles): no single service. */
  general?: boolean;
}

export interface IntentContext {
  /** Rule score of the best service (0 when none). */
  serviceScore: number;
  hasCode: boolean;
}

export function appointmentAction(t: string): AppointmentAction {
  if (CHANGE.test(t)) return 'change';
  if (CANCEL.test(t)) return 'cancel';
  return 'book';
}

function countMatches(re: RegExp, t: string): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(t)) n++;
  re.lastIndex = 0;
  return n;
}

/** Decides the non-emergency intent of normalised text. */
export function classifyIntent(t: string, ctx: IntentContext): IntentDecision {
  const d = (intent: IntentDecision['intent'], confidence: number, action: AppointmentAction | null = null): IntentDecision =>
    ({ intent, confidence, appointmentAction: action });
  const stripped = t.replace(/[\s\p{P}\p{S}]/gu, '');
  if (!stripped) return d('chitchat', 0.6);

  const isAppointment = APPOINTMENT.test(t) && !APPOINTMENT_QUESTION.test(t);
  if (ctx.hasCode) {
    if (isAppointment && (CANCEL.test(t) || CHANGE.test(t))) return d('appointment', 0.9, appointmentAction(t));
    return d('status', 0.95);
  }
  if (COMPLAINT.test(t) || (OFFICER.test(t) && OFFICER_MISCONDUCT.test(t))) return d('complaint', 0.85);
  // A code-like token the code parser rejected (typo, wrong first letter) asked about, or sent on its own.
  if (LOOSE_CODE.test(t) && (LOOKUP.test(t) || stripped.replace(/谢谢|麻烦|你好|您好|请/g, '').length <= 12)) return d('status', 0.7);
  if (STATUS.test(t) && !/(多久|多长时间|几天|什么时候)(能|可以)?(办好|拿到|下来)/.test(t)) return d('status', 0.8);
  if (isAppointment) return d('appointment', 0.85, appointmentAction(t));
  if (TALK_REQUEST.test(t)) return d('appointment', 0.9, 'book');
  // Someone else's crime or scheme, told as a report: a tip, sure enough that the model does not overrule it.
  if (reportsCrime(t)) return d('tip', 0.9);
  if (TIP.test(t)) return d('tip', 0.8);
  // Naming the matter itself ("邻里纠纷", "想请你们调解") is unambiguous, even in two words.
  if (DISPUTE_STRONG.test(t) && ctx.serviceScore < 3) return d('dispute', 0.9);
  const disputeHits = countMatches(DISPUTE, t);
  if (disputeHits >= 2 || (disputeHits === 1 && ctx.serviceScore < 3)) return d('dispute', disputeHits >= 2 ? 0.85 : 0.7);
  if (OFFICER_INFO.test(t) && ctx.serviceScore < 4) return d('info', 0.8);
  if (SERVICE_META.test(t) && ctx.serviceScore < 2 && !/开放日|恳谈|停车/.test(t)) return { ...d('service_question', 0.6), general: true };
  if (INFO_STRONG.test(t) && ctx.serviceScore < 4) return d('info', 0.85);
  // "需要预约吗" asks about the rules of booking: a sure service question, not a booking.
  if (APPOINTMENT.test(t) && APPOINTMENT_QUESTION.test(t)) return d('service_question', 0.9);
  if (ctx.serviceScore >= 2) return d('service_question', Math.min(0.95, 0.6 + ctx.serviceScore * 0.06));
  if (CHITCHAT.test(t) && stripped.length <= 20 && (!QUESTION.test(t) || stripped.length <= 8)) return d('chitchat', 0.85);
  const general = GENERAL.test(t);
  if (INFO_WEAK.test(t) && (!general || /警务室|你们/.test(t))) return d('info', 0.7);
  if (general) return d('service_question', 0.5);
  if (stripped.length <= 6 && !QUESTION.test(t)) return d('chitchat', 0.5);
  return d('service_question', 0.35);
}
