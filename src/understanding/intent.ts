/**
 * Intent rules. Everything here works on normalised text (see segment.ts) and is pure.
 * Order of decisions (after the emergency check, which always runs first):
 * status-by-code → complaint → status → appointment → tip → dispute → info → service → general → chitchat.
 */
import type { AppointmentAction, Intent } from './types';

// --- complaint: police conduct, slow or absent service
const COMPLAINT = new RegExp([
  '投诉', '态度(太|很|特别|非常|极其|真|挺|有点)?(差|不好|恶劣|冷漠|蛮横|生硬|凶|恶|差劲)', '不作为', '乱作为', '推诿', '踢皮球', '推来推去',
  '敷衍', '刁难', '吃拿卡要', '(太|很|特别|真)(慢|拖拉|拖沓|磨叽|折腾|差劲|不负责)', '拖拖拉拉', '拖(了|着)[^,.!?;]{0,4}(天|周|月|礼拜|星期)',
  '效率(太|很|真)?(低|差)', '没人(理|管|接|回|处理|来处理|给)', '不理人', '不回(复|消息)', '一直没人接', '没有人接',
  '(半个月|一个月|一个多月|好几天|十几天|一周|一个礼拜|一个星期|这么久|这么长时间|几个月|好久|好几周)[^.!?;]{0,12}(没|不|也没|都没)(消息|动静|回复|回音|结果|说法|下文|人管|人理|办下来|处理|给)',
  '(没|不)满意', '不专业', '一问三不知', '(啥|什么)都不(知道|懂)', '业务不熟', '你们(怎么|咋)回事', '太不像话', '去了[^,.!?;]{0,4}没(人|开门)',
  '(半个月|一个月|一个多月|好几天|十几天|一周|一个礼拜|一个星期|这么久|几个月|好久|好几周|[0-9一二三四五六七八九十两几]+(天|周|个月))[^.!?;]{0,10}还没(办好|办下来|好|弄好|消息|结果|回复)', '偏袒', '不公平', '不服', '差评', '找(你们)?领导', '12389', '监督电话', '答非所问', '说话[^,.!?;]{0,3}(冲|难听)',
  '没耐心|一点耐心', '玩手机', '跑了[^,.!?;]{0,3}(趟|次)', '来回跑', '跑(好|了)?几(趟|次)', '门锁着', '不在岗', '擅离职守', '收红包|要好处',
].join('|'));
const OFFICER = /民警|警察|辅警|警官|协警|工作人员|窗口|你们/;
const OFFICER_MISCONDUCT = /骂人|吼|凶(我|人)|推(我|人)|打人/;

// --- status: progress of something already submitted
const STATUS = new RegExp([
  '进度', '进展', '(怎么|咋)样了', '如何了', '处理(得)?(怎么样|如何|到哪)', '(办|处理|弄|做|查|解决|批)(好|完|下来)?了(没|吗|没有|嘛|么)',
  '(办|处理|做|弄|查)到哪', '到哪(一步|了)', '有(结果|回复|回音|消息|下文|进展|答复|人(处理|跟进|管|查))(了)?(吗|没|没有|嘛|么)?',
  '什么状态', '查询[^,.!?;]{0,6}(事项|进度|结果|状态)', '回执号', '受理号', '跟进', '后续', '上次(反映|说|提交|留言|举报|问|调解|报)',
  '(前|昨)(天|几天)[^,.!?;]{0,6}(反映|提交|留言|举报|报)', '我(提交|反映|举报|留言|报)的', '查(一下|下|询)?(我的)?(预约|事项|举报)',
  '能(去)?(拿|取|领)了(吗|没|么)', '(结果|回复|答复|消息|处理意见)[^,.!?;]{0,2}(出来|下来)了(吗|没|么)?', '(处理|办)到(什么|啥)(程度|地步|阶段)',
  '(之前|上次的?|前几天|上周|上礼拜)(反映|提交|说|举报|报|留言|调解)的', '预约(成功|约上|通过|确认)了?(吗|没|么)', '(做|制|办)好了没', '有消息了', '查了没',
].join('|'));

// --- appointment
const APPOINTMENT = /预约|预订|改约|(?<!大|节|简|婚|合|特|制|公|邀|相)约(个|一下|下|好|了|的)?(时间|号|周|星期|礼拜|明天|后天|今天|下午|上午|早上|晚上|民警|过去|去|个日子)|约的|约了|挂号|排号|取号/;
const APPOINTMENT_QUESTION = /(需要|要|用|得|必须|需不需要|要不要|用不用|需|是否要|是否需要)(提前)?预约(吗|么|嘛|不|没)?$|(需要|要|用|得|必须|需不需要|要不要|用不用)(提前)?预约(吗|么|嘛|不)|不预约(可以|能|行)/;
const CANCEL = /取消|退掉|退了|不去了|去不了|来不了|不约了|撤销|不用了/;
const CHANGE = /改约|改期|改(到|成|在|天|日子|时间|一下时间)|换(个|一下|一个)?(时间|日子|天)|调(整)?(个|一下)?时间|推迟|延后|延期|提前到|挪(到|一下)|能不能早点/;

// --- tip (not in progress)
const TIP = new RegExp([
  '举报', '检举', '揭发', '线索', '匿名', '赌博', '聚赌', '赌钱', '赌场', '开赌', '赌得', '吸毒', '贩毒', '毒品', '溜冰', '嗑药', '传销',
  '非法集资', '卖淫', '嫖娼', '黄赌毒', '色情', '不正当', '可疑', '不对劲', '鬼鬼祟祟', '形迹', '假烟', '假酒', '假币', '制假', '售假', '假货',
  '逃犯', '罂粟', '大麻', '种毒', '制毒', '通缉犯', '电鱼', '偷拍', '黑网吧', '未成年人上网', '套路贷', '高利贷', '诈骗[^,.!?;]{0,2}(电话|短信|团伙|窝点|号码|网站|网址|链接|app|软件|群|平台|账号|微信)', '钓鱼网站', '骗子(电话|短信|号码)?',
  '冒充[^.!?;]{0,12}(挂了|没理|没信)', '(反映|提供)(个|一个|一下|点)?(情况|线索)', '车牌[^,.!?;]{0,4}假', '假(车)?牌', '非法', '违法(行为|犯罪)',
  '骗了(我们|好几|很多|不少|邻居)', '是骗人的', '诈骗吧', '骗子吧', '盗窃团伙', '偷狗', '收赃', '窝点',
].join('|'));

// --- dispute between residents
const DISPUTE = new RegExp([
  '邻居', '楼上', '楼下', '对门', '隔壁', '对面', '噪音', '噪声', '吵(得|死|架|闹|起来|人)', '扰民', '太吵', '大声', '音响', '广场舞', '装修',
  '砸墙', '电钻', '半夜', '深夜', '剁', '唱k', '唱歌', '跳舞', '蹦', '狗(叫|屎|咬)', '遛狗', '车位', '占(用|了|着)?(车位|过道|楼道|地方|走廊)',
  '挡(路|道|门)', '堵(门|路|住|着)', '挪车', '乱停', '停在[^,.!?;]{0,6}(门口|车库)', '堆(放|物|东西|杂物|纸箱|满|着|了)', '杂物', '漏水', '渗水',
  '油烟', '烟味', '空调外机', '摄像头', '纠纷', '矛盾', '调解', '争执', '吵起来', '闹翻', '闹起来', '分家', '押金', '欠钱', '欠款',
  '不还钱', '婆媳', '管管', '协调', '说了也不', '不听劝', '骂人', '物业',
].join('|'), 'g');

// --- info about the room itself
const INFO_STRONG = /开放日|恳谈|18号|十八号|流动警务|警务车|片警|管片民警|社区(的)?民警|民警是谁|警官是谁|值班|哪些业务|能办(什么|啥|哪些)|和派出所|警务室(是|在哪|在什么|地址|电话|几点|上班|开门)|(你们|警务室)[^,.!?;]{0,4}(几点|上班|下班|开门|关门|电话|地址|在哪)/;
const INFO_WEAK = /(几点|什么时候|啥时候|几时)(上班|下班|开门|关门|开始|结束|营业|休息|有人)|上班|下班|办公时间|工作时间|营业时间|开门|关门|开不开|周末|周六|周日|星期[六天日]|礼拜[六天日]|节假日|假期|放假|国庆|春节|五一|中午|午休|地址|在哪(里|儿|个位置)?|怎么走|坐几路|公交|地铁|导航|停车|电话(多少|是多少|号码)|联系方式|怎么联系|警务室|你们(这|那)?(里|儿)?/;

// --- greetings, thanks, small talk
const CHITCHAT = /^(你好|您好|hi|hello|哈喽|嗨|在吗|在不在|在么|有人吗|谢谢|多谢|感谢|谢啦|谢了|辛苦|好的|好滴|好嘞|好吧|ok|嗯|哦|噢|收到|明白|知道了|早上好|早安|上午好|中午好|下午好|晚上好|晚安|再见|拜拜|哈哈|呵呵|👍|赞)|你是(谁|机器人|真人|ai)|你叫(什么|啥)|机器人吗|天气|吃了吗|为人民服务|辛苦了|谢谢|(真|很|太|好)(负责|好|棒|给力|贴心|专业|耐心|热心)|点赞|好评/;

// --- questions about police matters outside the 21 services (anti-fraud, safety, reporting)
const GENERAL = /诈骗|防骗|骗子|反诈|被骗|报案|报警|防盗|安全|犯法|违法|法律|证明|户口|户籍|身份证|证件|办理|手续|材料|民警|警察/;

const QUESTION = /[?吗么嘛呢]|怎么|咋|如何|啥|什么|哪|几|多少|能不能|可不可以|可以不|行不|要不要|是不是/;

export interface IntentDecision {
  intent: Exclude<Intent, 'emergency'>;
  confidence: number;
  appointmentAction: AppointmentAction | null;
}

export interface IntentContext {
  /** Rule score of the best service (0 when none). */
  serviceScore: number;
  hasCode: boolean;
}

function appointmentAction(t: string): AppointmentAction {
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
  if (STATUS.test(t) && !/(多久|多长时间|几天|什么时候)(能|可以)?(办好|拿到|下来)/.test(t)) return d('status', 0.8);
  if (isAppointment) return d('appointment', 0.85, appointmentAction(t));
  if (TIP.test(t)) return d('tip', 0.8);
  const disputeHits = countMatches(DISPUTE, t);
  if (disputeHits >= 2 || (disputeHits === 1 && ctx.serviceScore < 3)) return d('dispute', disputeHits >= 2 ? 0.85 : 0.7);
  if (INFO_STRONG.test(t) && ctx.serviceScore < 4) return d('info', 0.85);
  if (ctx.serviceScore >= 2) return d('service_question', Math.min(0.95, 0.6 + ctx.serviceScore * 0.06));
  if (CHITCHAT.test(t) && stripped.length <= 20 && (!QUESTION.test(t) || stripped.length <= 8)) return d('chitchat', 0.85);
  const general = GENERAL.test(t);
  if (INFO_WEAK.test(t) && (!general || /警务室|你们/.test(t))) return d('info', 0.7);
  if (general) return d('service_question', 0.5);
  if (stripped.length <= 6 && !QUESTION.test(t)) return d('chitchat', 0.5);
  return d('service_question', 0.35);
}
