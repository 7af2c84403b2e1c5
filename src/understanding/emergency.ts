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
import { isNonImminentCrimeReport } from './crime-report';
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
  /** The whole message must also match this (e.g. a person is mentioned), else the cue does not count. */
  requires?: RegExp;
  /** The cue does not count when the whole message matches this (e.g. the thing searched for is an object). */
  unless?: RegExp;
}

const PERSON =
  '(?:孩子|小孩|娃|儿子|女儿|闺女|宝宝|宝贝|小朋友|小孩子|老人家?|老头|老太太?|老爷子|爷爷|奶奶|外公|外婆|姥姥|姥爷|' +
  '我爸|我妈|俺爹|俺娘|俺爸|俺妈|老爸|老妈|父亲|母亲|爸爸|妈妈|爹|娘|老伴|老公|老婆|媳妇|丈夫|妻子|孙子|孙女|外孙女?|' +
  '弟弟|妹妹|哥哥|姐姐|家人|学生|病人|侄子|侄女|婆婆|公公|岳母|丈母娘|亲戚|朋友|同学|室友)';
const PERSON_OR_CHILD = `(?:${PERSON}|小女孩|小男孩|女孩|男孩|孩|小姑娘|小伙子|姑娘|老太|老大爷|大爷|大妈|个人)`;
// Things (not people) that get lost; their presence between a person and "丢了" means an item, not a person.
const OBJECT = '(?:证|本|簿|卡|包|钱|手机|钥匙|户口|护照|照片|东西|材料|资料|车|猫|狗|宠物|电话|微信|行李|作业)';
// A missing-person message says how long, since when, or that a search/contact attempt failed.
// Matters (not people) a resident may be waiting on: "儿子的事举报了一周没消息" is not a missing person.
const AFFAIR = '(?:事|案子|举报|申请|手续|业务|预约|问题|档案)';
// Something fraud-like in the message, for the in-progress fraud phrasings that are harmless on their own.
const FRAUD_CONTEXT = /客服|警察|公安|民警|检察|法院|银行|对方|骗|转账|汇款|退款|理赔|账户|贷款|刷单|返利|投资|理财|涉嫌|洗钱|陌生|验证码|冻结|解冻|充值|提现|保证金|网友|网上认识/;
const MISSING_CONTEXT = /放学|下课|下学|补课|补习|出门|出去|遛弯|买菜|赶集|上学|下班|到现在|至今|一直|还(没|是)|都(没|快|已经)|小时|钟头|半天|一夜|一晚|一宿|天黑|整天|上午|下午|晚上|早上|电话|手机|关机|打不通|联系不上|找(了|遍|不到|不着)|到处|四处|老师|同学|走失|痴呆|糊涂/;

const CUES: Cue[] = [
  // --- police: violence, break-in, robbery, threats, self-harm
  { kind: 'police', re: /(撬|翘)[^,.!?;]{0,4}(门|锁|窗|车|柜)|(门|锁|窗|车|柜)[^,.!?;]{0,3}被(人)?(撬|翘)|有人(在|正在)?(撬|翘|砸|偷|抢)|有人[^,.!?;]{0,8}(在|正在)(撬|翘|砸|偷|抢)|入室|闯进|闯入|破门|翻窗|爬窗/ },
  { kind: 'police', re: /打架|打起来|斗殴|群殴|互殴|干起来了|动手了|打人|动手打|被[^,.!?;]{0,3}(打|揍|砍|捅|伤)(了|伤|得|成|出)|被(人)?打$|挨打|挨揍|揍我|打我(?!电话|手机)|殴打|家暴|施暴|(在|正在)打(老婆|媳妇|孩子|老公|人|我|小孩|老人)/ },
  { kind: 'police', re: /(持|拿|拿着|掏出|亮出|带着?|举着)(刀|枪|棍|棒|砍刀|菜刀|匕首|凶器|铁棍|斧头)|砍人|捅人|捅了|砍伤|刺伤|杀人|要杀|杀了我|行凶|追砍|动刀|有枪/ },
  { kind: 'police', re: /抢劫|打劫|抢(我|了我|走)[^,.!?;]{0,2}(包|钱|手机|项链|东西)?|被抢|抢东西|飞车抢|绑架|劫持|挟持|人质/ },
  { kind: 'police', re: /(偷|撬|抢|砸)[^.!?;]{0,12}(现在还在|人还在|还没走|就在(楼下|门口|外面|这))|小偷(正在|在|还在|进|跑)|有贼|进贼|进了贼|遭贼|入室盗窃|家(里)?被(盗|偷)|(正在|有人在)偷/ },
  { kind: 'police', re: /(跟踪|尾随)(我|着我)|被(人)?(跟踪|尾随)|有人跟着我|一直跟着我|(陌生人|可疑的?人)[^,.!?;]{0,6}(在我家|进我家|闯|撬|敲我家)|(陌生|男的|女的|可疑)[^.!?;]{0,12}(我家门口|敲门|门外|砸门)/ },
  { kind: 'police', re: /强奸|性侵|猥亵|耍流氓|非礼|威胁(我|要|说要)|恐吓|勒索|敲诈|砸(车|门|窗|店|东西|玻璃)|打砸|闹事|持械/ },
  { kind: 'police', re: /跳楼|跳河|跳桥|要跳|往下跳|想跳|跳下去|(天台|楼顶|窗台|桥)(边|上)[^,.!?;]{0,8}(跳|不下来)|自杀|轻生|割腕|想不开|寻短见|不想活|寻死/, extra: ['120'] },
  { kind: 'police', re: /呼救|求救|(?<!不用|别|无需|不要)救我|惨叫|喊救命|救命|救救我|快来人|来人啊|help|sos|报警(?!器|装置|系统|回执)|要报案(?!回执)|想报案(?!回执)/, generic: true },
  // --- fire and gas
  { kind: 'fire', re: /着火|著火|着伙|起火|失火|发生(了)?火灾|火灾现场|烧起来|烧着了|冒(浓|黑)?烟|浓烟|烟(很|好|特别)大|火(很|好|特别)大|火势|火苗|自燃|爆炸|(煤气罐|锅炉|电瓶|电池|充电宝)[^,.!?;]{0,3}炸|火警/ },
  { kind: 'fire', re: /(煤|燃|天然|液化)[气汽][^,.!?;]{0,4}(味|泄|漏)|闻到[^,.!?;]{0,4}(煤气|燃气|天然气|液化气|煤汽|焦味|烧焦)|烧焦的?味|一股焦糊?味/ },
  // --- medical
  { kind: 'medical', re: /晕倒|昏倒|晕过去|昏过去|昏迷|不省人事|叫不醒|没(有)?(呼吸|气了|意识|心跳)|心脏病(犯|发作)|心梗|脑梗|中风|抽搐|口吐白沫|大出血|流(了)?(很多|好多|一地|一身)?血|血流不止|都是血|出血不止|中毒|喝(了)?农药|吃了[^,.!?;]{0,4}(安眠药|老鼠药|农药)/ },
  { kind: 'medical', re: /摔[^,.!?;]{0,4}(起不来|不能动|动不了|昏)|倒[^,.!?;]{0,3}起不来|车祸|被车撞|撞人了|撞倒|溺水|掉(进|到)?(河|水|湖|井|池塘)(里)?|落水|喘不上气|喘不过气|快不行了|受(了)?(重)?伤|骨折|烫伤|触电|休克|难产|要生了|羊水破|噎住|倒地|倒在(路边|地上|路上|街上|门口|楼道|家里|屋里)|一动不动|不动了|躺(在)?地上|快死了|急救|(?<!\d)120(?!\d)/ },
  // --- missing people
  { kind: 'missing', re: /(?<!狗|猫|宠物|鸟)(走丢|走失|失踪|走散)|被拐|拐走|被抱走|人不见了|人找不到了|人丢了|找不到(家长|爸妈|妈妈|爸爸|家人)/ },
  { kind: 'missing', re: new RegExp(`${PERSON}((?!${OBJECT})[^?])` + '{0,14}' + '(不见了|找不到(?!工作|活|对象|地方|路|门路|材料|证|本|原因|人办|人问|人管)|丢了|失联|联系不上|打不通|(还|一直|到现在|至今|一夜|一晚上?|整夜|整晚|小时|天)[^,.!?;]{0,4}没(有)?回(家|来))') },
  // --- missing people: a search under way, no contact, not home after school/work/an outing
  {
    kind: 'missing', requires: MISSING_CONTEXT,
    re: new RegExp(`${PERSON}((?!${OBJECT}|${AFFAIR})[^?])` + '{0,16}' +
      '(没(有)?(回|到|进)(家|来|学校|门)|没见(着|到)?(人|回)|没(找|见|看)(着|到|见)(?!工作|活|地方|材料|证)|跑(丢|没影|出去)|找不着|找不见|没影|不知(道)?(去)?向|不知道(跑|去|走)(到)?哪(里|儿)?(去)?了|下落不明|没(了)?(音讯|下落)|关机)'),
  },
  // --- someone pushed into a vehicle ("把一个女的往车里塞")
  { kind: 'police', re: new RegExp(`把[^,.!?;]{0,6}(女的|男的|人|${PERSON_OR_CHILD})[^,.!?;]{0,3}往[^,.!?;]{0,4}(车|面包车|后备箱)[^,.!?;]{0,2}(塞|拽|拉|拖|推|抬|扔)`) },
  // --- no sound from someone behind a locked bathroom or room door
  { kind: 'medical', re: /(浴室|卫生间|厕所|洗澡|屋里|房间|里面)[^.!?;]{0,8}(没(了|有)?(声音|声|动静|回应)|叫不应|喊不应)/ },
  // --- out for an errand and gone for hours ("我妈出门买菜到现在五个小时了")
  {
    kind: 'missing', requires: new RegExp(PERSON),
    re: /(出门|出去|买菜|遛弯|散步|上学|放学|下班|赶集)[^.!?;]{0,8}(到现在|至今|已经)[^,.!?;]{0,4}([0-9一二两三四五六七八九十几半]+|好几)个?多?(小时|钟头|天)/,
  },
  {
    kind: 'missing', requires: new RegExp(PERSON),
    re: new RegExp(`(放学|下课|下学|补课|补习|辅导班|培训班|校车|下车|出门|出去|跑出去|遛弯|散步|买菜|赶集|上学)((?!${OBJECT}|${AFFAIR})[^.!?;])` + '{0,10}(没回|没到家|没(有)?到(家|校|学校)|不见|找不到|找不着|没找着|没见着|没看见|联系不上|没影)'),
  },
  {
    kind: 'missing', requires: new RegExp(PERSON), unless: new RegExp(`${OBJECT}[^,.!?;]{0,3}(还是|也|都)?(没找到|找不到|找不着|不见|丢)|找(我的|他的|她的|孩子的)?${OBJECT}`),
    re: /(一夜|彻夜|整夜|一晚上?)未归|被[^,.!?;]{0,3}(抱走|带走|拐走|领走|骗走)了?|(找了|寻了)[^,.!?;]{0,6}(小时|钟头|半天|上午|下午|晚上|一夜|一天|好久|一圈|几圈|一大圈)|(到处|四处|满(小区|村|街|世界))(都)?找[^.!?;]{0,6}(不到|不着|不见|没找到|没有)|一转眼[^,.!?;]{0,6}(人|就)?(没了|不见|没影)|(转身|一回头)[^,.!?;]{0,4}(人)?(就)?(不见|没了)|跟丢了|走散了/,
  },
  {
    kind: 'missing', requires: new RegExp(PERSON),
    re: /(出门|出去|遛弯|散步|买菜|赶集|上学|放学|下班|下课|走了)[^.!?;]{0,12}(电话|手机)[^,.!?;]{0,4}(打不通|关机|没人接|不接|联系不上)|(打不通|关机|没人接|联系不上)[^.!?;]{0,12}(个(多)?(小时|钟头)|半天|一夜|一晚|天黑|到现在)/,
  },
  // --- people (often children or elders) in physical danger right now
  {
    kind: 'police', extra: ['119'], requires: new RegExp(PERSON + '|人'),
    re: /(爬|翻|站|坐|挂|吊|悬|蹲|探)(到|在|出|上)?[^,.!?;]{0,8}(窗(户|台)?外|阳台外|阳台(的)?(护栏|栏杆)|窗台(上|边|外)|窗沿|窗边上|阳台边上?|[0-9一二三四五六七八九十几]+楼(的)?(窗|阳台)(外|边|沿|台)|护栏(外|上)|栏杆(外|上)|空调外机|防盗网(外|上)|楼顶边|屋顶|房顶|楼沿|天台边)|(窗户?|阳台)外(面|边)?[^,.!?;]{0,4}(挂|吊|站|爬|坐)着/,
  },
  {
    kind: 'police', extra: ['119'],
    re: new RegExp(`(头|手|脚|腿|胳膊|身子|${PERSON}|人)[^,.!?;]{0,4}(卡|夹)(在|住)|(卡|夹)在[^,.!?;]{0,8}(出不来|拔不出|动不了|下不来)|被困(?!扰|难|惑)|(伸|塞|卡|钻)进[^,.!?;]{0,8}(出不来|拔不出|退不出)|困在[^,.!?;]{0,6}(里|上|中)|(?<!钥匙|东西|包|手机|卡)(锁|关)在车里|反锁在[^,.!?;]{0,6}(里|屋|家)|电梯[^,.!?;]{0,6}(困|关)(人|住|了)`),
  },
  { kind: 'medical', extra: ['110'], requires: /河|湖|水|江|海|池|井|沟|坑/, re: /(河|湖|水|江|海|池塘|水库|井)里[^,.!?;]{0,4}(有(个)?人|扑腾|挣扎|呼救|漂着|喊救命)|不会游泳/ },
  { kind: 'medical', re: /倒在[^,.!?;]{0,6}(地|路|门口|边|旁|里|上|下)|一动(也|都)不动|不动弹|血[^,.!?;]{0,3}(止不住|流不止|一直流|直流|哗哗|流个不停)|(咬|砍|割|扎|划|撞)[^,.!?;]{0,6}(满脸|满身|一脸|一身|好多|很多)?(是)?血/ },
  { kind: 'medical', extra: ['110'], re: /掉(进|到|下|在)(了)?[^,.!?;]{0,6}(井|河|水|湖|池|坑|沟|下水道|粪坑|冰窟窿|江|海|楼下)|从[^,.!?;]{0,6}(楼|阳台|窗户?|桥|屋顶|房顶)[^,.!?;]{0,3}(掉|摔|坠|滚)(下|了)|(滑|掉|摔|跌)(下去|进去|到水里)|在水里(扑腾|挣扎)|沉下去|(往下|在|快)沉(了|下去)?(?![^,.!?;]{0,3}(默|迷|思|稳|淀|重))|被水冲走|冲走了/ },
  { kind: 'medical', re: new RegExp(`${PERSON}[^,.!?;]{0,8}晕(了|过去|倒)`) },
  { kind: 'medical', re: /被[^,.!?;]{0,4}烫(了|伤|得|到)|(被)?电(着|到|击)了|被电(着|到|了|打)|触了电|一氧化碳|煤气中毒|燃气中毒|(炭|煤炉|炉子|热水器)[^?]{0,12}(头晕|晕|恶心|想吐|吐)|(头晕|恶心|想吐)[^?]{0,12}(炭|煤炉|炉子|热水器|煤气|燃气)/ },
  {
    kind: 'medical',
    re: /说不出话|口齿不清|嘴(都)?歪|口眼歪斜|半边(身子|身体|脸|手脚)[^,.!?;]{0,4}(动不了|不能动|麻|没知觉|不听使唤)|胸口(疼|痛|闷)得(厉害|受不了|要命)|胸口(疼|痛)[^.!?;]{0,8}(出汗|冒汗|喘|晕|倒)|心口(疼|痛)|心脏病|(抽|抽筋|抽风)[^,.!?;]{0,4}(翻白眼|口吐|吐沫|不醒)|(高烧|发烧|烧)[^,.!?;]{0,4}(抽筋|抽风|惊厥)|惊厥|翻白眼|吐血|咯血|咳血|呕血|大口(吐|喘)|(喘|上)不(上来|过来)(气)?|(嘴唇|脸)[^,.!?;]{0,3}(发紫|紫了|青了|发青)|呼吸困难|(叫|喊|拍|摇|敲)[^,.!?;]{0,4}(都|也)?没(有)?(反应|动静|回应|应)|人没(有)?反应|(叫|喊)(他|她|人|门|了|半天|好几声|几声)?(也|都)?不(醒|应|答应)|(吞|吃|咽|喝)(了|下)[^,.!?;]{0,6}(电池|磁铁|硬币|一瓶药|整瓶药|一把药|洗洁精|消毒液|84|敌敌畏|百草枯|老鼠药|杀虫剂)|(吃|吞|喝)(了|下)?[^,.!?;]{0,3}(半|一|整|大半|好几|一整|几十)(瓶|盒|板|把|片)[^,.!?;]{0,4}药|药[^,.!?;]{0,4}(吃|吞)了(半|一|整|大半|好几)(瓶|盒|板|把)|误(食|服|吞)|吃错(了)?药|药吃多了|(咬|割|划|扎|砸)(伤|破)[^,.!?;]{0,6}(流血|止不住)|过敏[^,.!?;]{0,6}(喘|肿|呼吸|晕)|烧伤|(滚|摔|跌)下(来|去)[^.!?;]{0,8}(不应|不动|不醒|起不来|流血|昏)/,
  },
  // --- violence and intrusion now (phrasings the shorter cues above miss)
  {
    kind: 'police',
    re: /(正在|在|又|一直)(打|揍|踢|砍|捅|掐)(我|她|他|孩子|老人|人)|掐(住)?(我|她|他|着)?(的)?脖子|勒(住)?(我|她|他)?(的)?脖子|(要|扬言|说要|喊着要)(打死|弄死|砍死|杀了|杀死|砍了|捅了)|弄死(我|你|他|她)|(拿|拎|提|举|抄)(着|起)?(了)?[^,.!?;]{0,3}(刀|斧|棍|砖|酒瓶|剪刀|锤|铁锹|锄头|扳手)|(打|揍)(我|孩子|老婆|媳妇)(了|呢|啊)|被[^,.!?;]{0,4}(老公|男人|丈夫|男朋友|前夫|前妻|老婆|儿子|对象)[^,.!?;]{0,2}(打|揍|踢|掐)|(踹|撞|砸|捶|踢)[^,.!?;]{0,4}(门|窗)|(翻|爬|钻|溜|闯)(进|到)?[^,.!?;]{0,4}(我家|家里|屋里|院子|院里|阳台|窗户)|家里(进|来)了(个)?(陌生)?人|家里进人|屋里有(个)?陌生人|(拨弄|撬|捅)[^,.!?;]{0,2}(锁|门)|(有人|陌生人|外面|门外|男的)[^,.!?;]{0,6}(拨弄|拧|扭|掰|转|拽|拉|晃)[^,.!?;]{0,3}(门把|门锁|锁头|门)|(一路|一直|老是)跟着(我)|被[^,.!?;]{0,8}(一路|一直|老是)?(跟着|跟踪|盯上|盯着|尾随)|跟(了|着)我[^,.!?;]{0,6}(一路|好久|到)|跟到(我家|小区|楼下|家门口)|(有人|陌生人|几个人|一帮人|一伙人|债主)[^,.!?;]{0,4}(堵|蹲|守)在/,
  },
  // --- fire and gas (more sensory phrasings)
  { kind: 'fire', re: /(往外|一直|直|在)冒(烟|火)|冒(火花|火星|火苗)|(电线|插座|插排|配电箱|电表箱|电箱|电闸|充电器|电动车|电瓶车|车棚)[^,.!?;]{0,6}(冒烟|冒火|着了|烧了|烧起来|火花|炸了|噼里啪啦)|火光|臭鸡蛋味|(燃气|煤气|天然气|液化气|灶)[^,.!?;]{0,8}(呲呲|嘶嘶|丝丝|滋滋)|(有|一股|好大的?|很大的?)[^,.!?;]{0,2}(焦糊|焦|糊|烧焦|塑料烧焦)(的)?味/ },
  // --- a child or an elder taken by someone ("陌生男的把个小女孩抱走了", "有人拽着孩子往车上拉")
  {
    kind: 'missing', extra: ['110'],
    re: new RegExp(`(陌生|不认识|可疑|有个|一个)[^.!?;]{0,10}把[^,.!?;]{0,8}${PERSON_OR_CHILD}[^,.!?;]{0,4}(抱|拽|拉|拖|带|领|拐|抢|骗|塞)(走|跑|(上|进)[^,.!?;]{0,3}车)|把[^,.!?;]{0,8}${PERSON_OR_CHILD}[^,.!?;]{0,4}(抱|拽|拖|拐|抢)(走|跑|(上|进)[^,.!?;]{0,3}车)|(抱|拽|拉|拖|塞)着?[^,.!?;]{0,6}${PERSON_OR_CHILD}[^,.!?;]{0,4}(往|上|进)[^,.!?;]{0,3}(车|面包车|巷子|外跑)|${PERSON_OR_CHILD}[^,.!?;]{0,8}被[^,.!?;]{0,8}(陌生|不认识)[^,.!?;]{0,6}(抱|拽|拉|拖|带|领)(走|跑)?`),
  },
  // --- someone trapped in a lift (电梯卡在两层中间, 电梯停了 人在里头)
  {
    kind: 'police', extra: ['119'],
    re: /电梯[^.!?;]{0,10}(卡|停|坏|掉|坠|不动|困)[^?]{0,20}(在里(头|面|边)|在电梯里|关在|出不来|困|喊|叫|不应|没反应|没动静)|(在里(头|面|边)|在电梯里)[^?]{0,20}电梯[^,.!?;]{0,6}(卡|停|坏|掉|坠|不动)|电梯(突然)?(往下)?(掉|坠|下坠|溜)/,
  },
  // --- more families: confinement, vehicles, crushing, ice, labour, arson, a driver gone astray, no answer at a door
  { kind: 'police', re: /不让我(走|出去|离开|回家|出门)|不(给|交|转)[^,.!?;]{0,4}就?不让(我)?(走|离开|出去)|被[^,.!?;]{0,6}围(着|住)[^,.!?;]{0,6}(要钱|打|抢|不让)|(在|正在)(摸|搂|亲)[^,.!?;]{0,2}(小女孩|女孩|小姑娘|小孩|孩子|小朋友|女学生|学生|女生|姑娘)|把我(关|锁)(在|起来)|被(人)?(关|锁)(在|起来)[^?]{0,10}(不让|出不去|出不来)|被[^,.!?;]{0,10}(堵|按|围)[^,.!?;]{0,6}(打|揍|踢|欺负)|(司机|他)[^,.!?;]{0,6}(不往|不停车|往偏|往郊区|往山里|乱开|不让(我)?下)|不让(我)?下车/ },
  { kind: 'fire', re: /放火|纵火|点火烧|泼汽油|浇汽油|泼了汽油/ },
  {
    kind: 'medical', extra: ['110'],
    re: /车翻了|翻车|侧翻|(撞|翻|追尾)[^.!?;]{0,10}(里面|车里)(还)?有人|卷进(去)?了?|绞(进|住)|被[^,.!?;]{0,6}(压|砸|卷|绞)(住|伤|了|进|到|在|中)|冰(面|上)?[^,.!?;]{0,4}(裂|塌|破)(了|开)|掉冰(窟窿|里)|(河|湖|水|江|海|塘|池|水库|井|沟)里[^,.!?;]{0,8}(有(个)?(人|娃|孩子|小孩|老人)|扑腾|挣扎|呼救|漂着)/,
  },
  {
    kind: 'medical',
    re: /(掉|摔|跌|滚|倒)(下来|下去|下|在地|地上|倒)?[^.!?;]{0,10}(起不来|动不了|不能动|爬不起来)|见红|怀孕[^?]{0,12}(疼|痛|流血|出血)|疼得(打滚|受不了|要命|直打滚)|抽过去|抽起来了|晕厥|(敲门|喊门|叫门|打电话)[^,.!?;]{0,4}(也|都)?(没|不)(人)?(应|开|反应|回应|接)[^?]{0,16}(一个人住|独居|好几天|几天没|臭味|血|红的)|(一个人住|独居|好几天没|几天没)[^?]{0,16}(敲门|喊门|叫门)[^,.!?;]{0,4}(也|都)?(没|不)(人)?(应|开|反应|回应)/,
  },
  // --- beating with an object, or violence "that will kill someone" (拿皮带抽他媳妇, 往死里打, 要出人命)
  {
    kind: 'police',
    re: /(拿|拎|抄|举|抡|挥|用)(着|起)?[^,.!?;]{0,3}(皮带|腰带|鞭子|棍子|木棍|铁棍|棒子|衣架|扫帚|拖把|椅子|凳子|板凳|酒瓶|瓶子|砖头|石头|铁锹|锤子|擀面杖|晾衣杆|钢管|水管)[^,.!?;]{0,4}(抽|打|砸|揍|敲|砍|捅|往)|(抽|打|揍|踢|砸)(他|她)?(的)?(媳妇|老婆|老公|孩子|小孩|老人|女朋友|男朋友|妈|爸)|往死里(打|揍|踢|整)|(要|会|快|得|就要)(出|闹出)人命|出人命了|闹出人命|打(死|残)(人|了)|(打|揍)得[^,.!?;]{0,4}(直叫|惨叫|哭喊|求饶|满地|不行了)/,
  },
  // --- Cantonese: 打交 (fight), 劈友, 俾人打, 揸住铁棍 (holding), 快啲嚟 (come quickly), 火烛 (fire), 晕低 (fainted)
  { kind: 'police', re: /打交|打紧交|劈友|斩人|(俾|畀|比)人(打|斩|劈|捅|抢|打劫)|揸(住|着|紧)[^,.!?;]{0,4}(刀|棍|铁通|枪|斧|啲|条)|有人(打劫|爆格)|爆格|救(命|吓)(呀|啊|啦)|快(啲|d|滴|di)(嚟|来|过|黎|lai)|(嚟|黎)(人|帮)(呀|啊)/ },
  { kind: 'fire', re: /火烛|(着|著)(咗|左)火|烧(咗|左)(起|成)/ },
  { kind: 'medical', re: /晕(低|咗|左)|(唔|冇)(郁|反应|知觉|气|呼吸)(?!过)|跌(低|亲)[^,.!?;]{0,6}(起唔|郁唔|唔郁|流血)|好多血/ },
  { kind: 'missing', re: /(唔见|揾唔到|搵唔到)(咗|左)?[^,.!?;]{0,2}(个|啲)?(仔|女|细路|阿爷|阿嫲|阿婆|老人|人)|(仔|女|细路|阿爷|阿嫲|阿婆)[^,.!?;]{0,6}(唔见|揾唔到|搵唔到)(咗|左)?/ },
  // --- something caught fire without the word 着火 ("牛棚着了 火老大了", "柴火垛烧起来了")
  { kind: 'fire', requires: /火|烟|烧/, re: /(棚|房子?|屋子?|仓库|垛|柴堆|草堆|麦秸|秸秆|院子|厂房|车间|厨房|车子?|楼|店|铺子?|林子|山|草)[^,.!?;]{0,3}(着了|烧了|烧着了|烧起来了?)(?!凉|急|迷)/ },
  { kind: 'fire', re: /(?<!心|肝|我|你|真|好|气|发|恼|冒|上|脾|窝|点)火(老|贼|可|忒|太|挺|蛮|超|越来越|越烧越|烧得)(大|旺|猛)|火(蹿|窜)(起来|上来|出来|得老高)|(火|火苗|火舌)[^,.!?;]{0,3}(往|朝)[^,.!?;]{0,6}(蔓延|烧|刮|窜|蹿)|(风|火)[^,.!?;]{0,6}往(房子|屋|楼|家|村)[^,.!?;]{0,2}(那边|这边)?(刮|烧|吹)/ },
  // --- confinement: locked up, tied up, phone taken ("被人关在一个房间里 手机被收了")
  {
    kind: 'police', unless: /门外|外面|外头|锁在家门|钥匙/,
    re: /被(人)?[^,.!?;]{0,4}(关|锁|囚|绑|扣)(在|住|起来|着)|把我(关|锁|绑|扣)(在|起来|住)|手机(被|让)[^,.!?;]{0,3}(收|抢|拿|夺|没收|扣)(了|走)|被(人)?(控制|囚禁|绑架|扣押|非法拘禁|限制(人身)?自由)|(囚禁|非法拘禁|限制(人身)?自由)|(绑|捆)(着|住|起来)(了)?(我|她|他|手|脚)|(手|脚|手脚|双手|人)[^,.!?;]{0,2}(被)?(绑|捆)(住|起来|着|上)|别(给我)?回(电话|消息)|不能(打|接)电话/,
  },
  // --- someone going through a car or a home right now, the resident afraid to go near
  {
    kind: 'police', requires: /(有人|有个|一个|几个|俩|两个|陌生|男的|女的|小偷|贼|人)[^.!?;]{0,12}(在|进|翻|偷|撬|拿|搬|蹲|守|钻|拉)/,
    re: /(在|钻进|钻到|进了|进到)(我|俺|我们|我家|俺家)?(的)?[^,.!?;]{0,4}(车|车里|驾驶座|后备箱|屋里|家里|院里|院子|店里|房间|仓库|车库|卧室)[^,.!?;]{0,6}(翻|偷|拿|搬|找|撬|砸|摸)|不敢(过去|出去|出声|吭声|动|进去|开门|下楼|下车|回去|回家|靠近|喊|开灯)|(翻|偷|撬|拿)[^.!?;]{0,10}(还没走|还在|没走|正在)/,
  },
  // --- fraud in progress (more phrasings); only with something fraud-like in the message
  {
    kind: 'fraud', present: true, requires: FRAUD_CONTEXT,
    re: /(让|叫|要|教)我[^,.!?;]{0,10}(下载|装|安装|打开|点开|开)[^,.!?;]{0,10}(app|软件|会议|共享|链接|视频)|(开|下载)[^,.!?;]{0,6}(会议|共享)[^.!?;]{0,12}(账户|退款|资金|转账|查)|把[^,.!?;]{0,6}验证码|验证码[^,.!?;]{0,6}(报|说|读|念|告诉|发|给)给?(他|她|对方|客服|那人|别人)|(还在|正在|一直在)[^,.!?;]{0,4}(跟|和)[^,.!?;]{0,6}(通话|打电话|视频|聊)|马上[^,.!?;]{0,4}(转|汇|打)[^,.!?;]{0,4}(钱|账|款|过去)|(要|正要|准备|正在)[^,.!?;]{0,8}(汇钱|转钱|打钱|汇款|转账)[^.!?;]{0,12}(拦|劝|不听|警察|公安|客服|陌生)|正在[^,.!?;]{0,10}(转账|汇款|转钱|打钱|操作|付款)|拦(都)?拦不住|保释金|(现在|正|马上)?要去银行|在(去)?银行的路上|劝(都|也)?劝不住|(让|叫|要|逼|催)我(再)?[^,.!?;]{0,2}(转|汇|打|充)[0-9一二两三四五六七八九十几百千万]+|(刚|已经)(转|汇|充)了[0-9一二两三四五六七八九十几百千万]+|(再|先)(充|交|转|付)[^,.!?;]{0,6}(才能|就能|才可以)(提现|解冻|到账|退款|放款)|已经(充|转|交|汇)了[^.!?;]{0,10}(还要|又要|还让|又让|又叫|还叫|又催|让我再|叫我再)|又(让|叫|要|催)我(再)?(转|汇|交|充|打钱|付)/,
  },
  // --- fraud in progress
  { kind: 'fraud', re: /正在转账|在转账|转账中|(让|叫|要|逼|催)我[^,.!?;]{0,6}(转|汇|打)(账|钱|款)|让我把钱|安全账户|(冒充|自称|说是|假装)[^,.!?;]{0,4}(公检法|警察|公安|民警|检察|法院|法官|警官|客服|领导|老板|老师|银行)|公检法|洗钱|通缉令|逮捕令|冻结(我的)?(账户|资金|银行卡)|屏幕共享|共享屏幕|远程(控制|协助)/ },
  { kind: 'fraud', re: /(发|给|报|告诉|念)给?(他|她|对方|客服|那人|别人)[^,.!?;]{0,4}验证码|验证码[^,.!?;]{0,4}(给|发|告诉|念|报)给?(他|她|对方|客服|那人|别人|了)|被骗|受骗|上当了|骗了我(?!们)|骗走|被诈骗|遇到诈骗了|碰到骗子|骗子(正在|在|让|叫|要)|刷单|(贷款|解冻|提现)[^,.!?;]{0,6}(保证金|手续费|解冻费)/ },
];

// Negation directly before the cue: "没着火", "没有人打架", "不是诈骗".
const NEGATION_BEFORE = /(没|没有|不是|并非|未|别|无)(人|在)?$/;
// Modal or preventive wording directly before the cue: "会着火吗", "防止被骗", "容易引发火灾".
const MODAL_BEFORE = /(会|会不会|能|可能|容易|怕|防|预防|防止|避免|以免|免得|导致|引起|引发|小心|谨防|担心|防范|如何防|怎么防|怎样)[^,.!?;]{0,2}$/;
// Advice or hypothetical framing anywhere in the message.
const HYPOTHETICAL = /如果|假如|万一|要是|假设|假使|倘若|一旦|预防|防范|防止|(怎么|如何|怎样|咋)(防|避免|装|处理比较好)|注意(什么|啥|哪些)|要注意|容易|注意事项|知识|宣传|讲座|(参加|搞|办|组织|有没有)[^,.!?;]{0,4}培训|培训(课|会|活动)|演练|演习|常识|科普|技巧|怎么识别|如何识别|识别|辨别|防骗|反诈|手法|套路|案例|有哪些|什么是|是什么意思|自救|(电视|新闻|网上|视频)(上|里)(说|看到|报道)|逃生(知识|方法|技巧)|犯法吗|违法吗|犯罪吗|判几年|怎么判|判刑|坐牢|会被(拘留|判|抓|罚)|怎么处罚|法律责任|算不算/;
// Long-past events.
const PAST = /上次|上回|那次|去年|前年|几年前|多年前|上个月|上月|上半年|以前|曾经|小时候|很久以前|那年|早些年|前几年|几个月前|当年|昨天|昨晚|昨儿|昨夜|前天|前晚|上周|上礼拜|上星期/;
// Something in the message says it is happening now; overrides hypothetical and past framing.
const PRESENT = /正在|到现在|至今|救命|快来|快点|赶紧|马上|刚刚|刚才|就在|还在|!!|在线等|急急/;
// A dream or a story: "昨晚梦见家里着火了", "做了个噩梦" (but not the idiom "做梦都没想到").
const DREAM = /梦见|梦到|梦里|做(了)?(个|一个|了个)?(噩|恶|怪)?梦(?!(都|也)(没|不)(想到|敢))|吓醒/;
// A report already made and a complaint about its handling: "报案到现在一个电话都没有", "你们到底管不管".
// The "到现在" inside it is not a sign of something happening now.
const REPORT_FOLLOWUP = /(报案|报警|报了警|报过警|立案|报过案|报了案|打了110|打过110)[^.!?;]{0,16}(到现在|至今|一直|都没|没人|没有|没消息|没下文|没动静|几天|多久|没结果)|(你们|警察|派出所)[^,.!?;]{0,4}(到底)?(管不管|管吗|还管不管|不管)/;
// The scene is over: "现在没人了", "人已经走了", "今早看地上还有血".
const OVER = /现在没(人|事)了|人(已经|早)?(都)?(走|跑|散)了|今(早|天早上|天上午)[^,.!?;]{0,4}(看|发现|起来)/;

// The resident already shut a fraud attempt down (a tip, not an emergency).
const FRAUD_AVERTED = /挂了|挂断|没理|不理他|没转|没有转|没上当|没被骗|识破|拉黑|没给他|没点|没有点|没汇|没搭理|没信/;

/** PRESENT, ignoring the "到现在" of a complaint about a report already made. */
function isPresent(text: string): boolean {
  const m = REPORT_FOLLOWUP.exec(text);
  return PRESENT.test(m ? text.slice(0, m.index) + ' ' + text.slice(m.index + m[0].length) : text);
}

/** Where the clause holding `index` starts (after the last punctuation mark or space before it). */
function clauseStart(text: string, index: number): number {
  let s = index;
  while (s > 0 && !',.!?;\n '.includes(text[s - 1])) s--;
  return s;
}

function isSuppressed(text: string, cue: Cue, m: RegExpExecArray): boolean {
  const cs = clauseStart(text, m.index);
  const before = text.slice(cs, m.index);
  const after = text.slice(m.index + m[0].length, m.index + m[0].length + 2);
  if (NEGATION_BEFORE.test(before) && !/^(没|不)/.test(m[0])) return true;
  if (MODAL_BEFORE.test(before)) return true;
  const present = isPresent(text);
  if (DREAM.test(text) && !/正在|救命|快来/.test(text)) return true;
  if (!present && OVER.test(text) && PAST.test(text)) return true;
  if (!present && REPORT_FOLLOWUP.test(text) && /管不管|投诉|不作为|没人管|一个电话都没|没人联系|没人回/.test(text)) return true;
  if (!cue.present && !present && HYPOTHETICAL.test(text)) return true;
  if (!present && PAST.test(text)) return true;
  if (after.startsWith('过')) return true; // "被骗过", "打过架" – experience, not now
  if (cue.kind === 'fraud' && FRAUD_AVERTED.test(text) && !/正在|在转|已经转|转了/.test(text)) return true;
  if (!present && LEGAL_OR_SETTLED.test(text)) return true;
  if (cue.kind === 'fraud' && !cue.present && FRAUD_REPORTED.test(text) && !FRAUD_LOSS.test(text)) return true;
  if (cue.kind === 'fraud' && FRAUD_AFTERWARDS.test(text) && !/刚|正在|现在|还在/.test(text)) return true;
  if (cue.generic && !present && HANDLING_COMPLAINT.test(text)) return true;
  return false;
}

// --- A "danger scene" grammar for phrasings no cue above anticipates:
//   (a danger object or event) × (a sign it is happening now: urgency, distress, no answer)
//   × not (past, settled, hypothetical, legal or advice framing).
// Recall first: any scene word with any urgency marker counts unless the message is clearly not live.
interface Scene {
  kind: EmergencyKind;
  re: RegExp;
  extra?: string[];
  /** The scene word does not count when the message matches this (smokers, renovation noise). */
  unless?: RegExp;
}
const SCENES: Scene[] = [
  { kind: 'fire', re: /(?<!抽|吸|香|油|二手|烟花|烟酒|烟草|烟感|烟雾报警)烟(?!花|酒|头|草|盒|感|雾报警|民|台|囱|花爆竹)|(?<!防|灭|打|点|开|上|肝|发|鬼|烟|柴|生|炉|煤)火(?!车|锅|化|腿|柴|机|炉|候|气|星人|爆|速|箭)|煤气|燃气|天然气|液化气|焦(糊)?味|糊味|烧(着|起来|焦|到)|爆炸|炸(了|开)|汽油|柴油|酒精|打火机|点火|要点了/, unless: /抽烟|吸烟|二手烟|油烟|烟头|烟瘾|香烟/ },
  { kind: 'medical', re: /(?<!献|验|抽|采|高|低|贫|血型|血压)血(?!型|压|糖|脂|统|缘|亲|本|汗)|晕|昏|不省|抽搐|没(了)?气|没(有)?(反应|呼吸|心跳|意识)|喘不|上不来气|(水|河|湖|江|塘|井|池|海)里|落水|溺|淹|呛水|噎|中毒|农药|割腕|吞了|摔(倒|下|伤|了)|跌(倒|下)|滑倒|(是|成|变)红(的|色)|倒(在|地)|起不来|动不了|迷迷糊糊|神志不清|意识不清|说胡话|惨叫|躺(在|着)|心脏(不舒服|难受|疼|痛)|出冷汗|冒冷汗|脸(都|色)?(发)?(白|煞白|发青)|胸闷|疼得/ },
  { kind: 'police', re: /刀|枪|棍|砸|抢|撬|砍|捅|掐|勒|绑|劫|拐|打(人|我|他|她|孩子|老人|老婆|媳妇|起来|架|伤|得)|(陌生|不认识|可疑)的?(人|男|女|车)|抱走|拽走|拉走|拖走|带走|闯|翻(进|墙|窗)|跟踪|尾随|跟着我|堵着?我|威胁|逼我|踹|踢门|摸(女|学生|孩子|姑娘|小姑娘|我|她)|咸猪手|蹭我|偷拍|露阴|暴露狂|盯(着|上)我|往里(看|瞧|张望)|偷看|偷窥|扒窗|(屋|家)里(好像)?有(个)?人|门(是|被)?(打)?开着|门被(打开|撬)|马路(中间|上)|高速(路|公路)?(上|边|旁)|铁(轨|道)上/, unless: /装修|施工|砸墙|拆墙|电钻|游戏/ },
  { kind: 'police', extra: ['119'], re: /电梯|被困|困(在|住)|卡(在|住)|锁在|关在|反锁|窗(户)?外|阳台外|护栏外|楼顶|天台|屋顶|房顶|楼沿/ },
  { kind: 'missing', re: new RegExp(`${PERSON}[^,.!?;]{0,10}(不见|找不到|找不着|没回|联系不上|打不通|走丢|走失|失联)`) },
];
// Signs of "right now": urgency, distress, no answer, can't get out.
const URGENT = /正在|现在|还在|一直|此刻|这会儿?|刚(刚|才)|快(来|点|救|帮|跑|报警|不行)|赶紧|马上|救|喊(他|她|人|了|半天)?(也|都)?不应|叫(他|她|人|了|半天)?(也|都)?不(醒|应)|没(有)?(反应|动静|回应)|往哪(跑|逃|走|躲)|跑不(出|掉)|出不去|出不来|逃不出|睁不开|看不见|看不清|喘不|呛|全是|满(屋|楼|楼道|走廊|地|脸|身)|越来越|好多|很多|哭|喊|叫|尖叫|吓死|好怕|害怕|不敢|躲|在里(头|面|边)|里面还有人|一个人在家|刚(回|到)家|说要|扬言|叫不(起来|醒|动)|喊不(起来|醒)|扑腾|挣扎|没人(应|开门|回应)|不让(我)?(走|出|下)|([0-9一二两三四五六七八九十几半]+|好几)个?多?(小时|钟头)了|天(都)?黑了|怎么办啊|咋办啊|咋整啊|怎么办呀|咋办呀|急死|急急|!!/;
// Not live: an event that is over, past, hypothetical, a legal matter, or a request for advice or paperwork.
const NOT_LIVE = /昨天|昨晚|昨儿|前天|前晚|上周|上礼拜|上星期|上个?月|去年|前年|以前|之前|当时|那次|那天|后来|过去了|好多年|好几年|多年|已经(扑灭|灭了|灭掉|没事|救出|找到|找回|送回|回来|回家|处理|解决|出院|走了)|扑灭了|灭了|没事了|没人受伤|找到了|回来了|如果|万一|假如|要是|假设|倘若|一旦|宣告|判(了|决)|法院|起诉|咋处理|怎么处理|(要|该)?注意(点)?(啥|什么|哪些)|怎么(预防|防|避免)|预防|防范|会不会|容易|材料|手续|证明|户口|注销|理赔|保险|赔偿|投诉|才来|太慢|回来过|回过|身份证|户口本|代办|补办|演练|演习|宣传|讲座|培训|电视|新闻|电影|视频里|小说|游戏|梦见|做梦/;

function detectScene(t: string): { kind: EmergencyKind; extra?: string[] } | null {
  if (DREAM.test(t) || NOT_LIVE.test(t) || LEGAL_OR_SETTLED.test(t) || !URGENT.test(t)) return null;
  for (const scene of SCENES) {
    const m = scene.re.exec(t);
    if (!m || scene.unless?.test(t)) continue;
    const cs = clauseStart(t, m.index);
    const before = t.slice(cs, m.index);
    if (NEGATION_BEFORE.test(before) || MODAL_BEFORE.test(before)) continue;
    return { kind: scene.kind, extra: scene.extra };
  }
  return null;
}

// Past, settled or legal matters: "法院判了宣告死亡", "失踪好多年", "昨天打给我妈了".
const LEGAL_OR_SETTLED = /宣告(死亡|失踪)|判决|法院判|判了|好多年|好几年|多年|已经(找到|找回|回来|送回|扑灭|灭了|没事)|后来[^,.!?;]{0,8}(送回|找到|回来|没事)|(找|送|领)回来了|找到了(?![吗么没])|平安(回|到)|没事了|锦旗|调解|处理(结果|不公)|学校处理|赔偿|医药费|私了|协商|伤情鉴定|押金|欠款|欠钱|工资|房租|(开|要|办|需要)[^,.!?;]{0,4}证明|检讨|诊断|病历/;
// A fraud call told about afterwards (a tip), not a loss or an attempt under way.
const FRAUD_REPORTED = /举报|号码|提醒(大家|一下)|曝光|昨天|昨晚|前天|上周|上礼拜|前几天|之前|那天/;
// Asking what can still be done about a loss ("还能追回吗") is a question, unless it just happened.
const FRAUD_AFTERWARDS = /(还能|能不能|可以|怎么)(追回|立案|报案|要回|退回)/;
const FRAUD_LOSS = /被骗|骗走|骗了|转了|汇了|转过去|打过去|损失|交了|付了|正在|在转|马上|现在|还在/;
// A complaint about how a report was handled ("报警四十分钟才来人"), not a new emergency.
const HANDLING_COMPLAINT = /投诉|才来|太慢|迟迟|不作为|态度|出警(太)?慢|没人管/;

/**
 * The message is framed as not happening now: a dream, a hypothetical or advice question, a past or
 * settled event, a complaint about how a report was handled. The rules' own suppressors, offered to the
 * emergency safety net (emergency-net.ts) so that it does not flag what the rules deliberately let pass.
 */
export function isNotLive(t: string): boolean {
  const present = isPresent(t);
  if (DREAM.test(t) && !/正在|救命|快来/.test(t)) return true;
  if (isNonImminentCrimeReport(t)) return true;
  if (present) return false;
  return HYPOTHETICAL.test(t) || PAST.test(t) || LEGAL_OR_SETTLED.test(t) || HANDLING_COMPLAINT.test(t) || REPORT_FOLLOWUP.test(t) ||
    /梦见|做梦|已经(扑灭|灭了|没事|找到|找回|回来|回家|处理|解决|出院)|没事了|找回来了|跑没影了|早跑了/.test(t);
}

// Compiled once: building a RegExp per cue per message dominated the detector's cost.
const GLOBAL_CUES: RegExp[] = CUES.map((c) => new RegExp(c.re.source, 'g'));

const PRIORITY: EmergencyKind[] = ['fraud', 'fire', 'missing', 'police', 'medical'];

/** Detects an emergency in raw resident text; returns the kind and the numbers to call, or null. */
export function detectEmergency(text: string): EmergencyInfo | null {
  return detectEmergencyNormalized(normalize(text));
}

/** Same as detectEmergency for text already passed through normalize(). */
export function detectEmergencyNormalized(t: string): EmergencyInfo | null {
  // A crime that is not a danger right now (poppies grown for years, a rebate scam run in a group chat)
  // is a tip, not an emergency; anything that puts a person in danger now overrides this (crime-report.ts).
  if (!t || isNonImminentCrimeReport(t)) return null;
  const specific = new Set<EmergencyKind>();
  let generic = false;
  const extra: string[] = [];
  for (let i = 0; i < CUES.length; i++) {
    const cue = CUES[i];
    const re = GLOBAL_CUES[i];
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(t))) {
      if (m[0].length === 0) { re.lastIndex++; continue; }
      if ((cue.requires && !cue.requires.test(t)) || cue.unless?.test(t)) break;
      if (isSuppressed(t, cue, m)) continue;
      if (cue.generic) generic = true;
      else specific.add(cue.kind);
      if (cue.extra) extra.push(...cue.extra);
      break;
    }
  }
  if (specific.size === 0 && !generic) {
    const scene = detectScene(t);
    if (!scene) return null;
    specific.add(scene.kind);
    if (scene.extra) extra.push(...scene.extra);
  }
  const kinds = PRIORITY.filter((k) => specific.has(k));
  const kind: EmergencyKind = kinds[0] ?? 'police';
  const numbers: string[] = [];
  for (const k of kinds.length ? kinds : ['police' as const]) for (const n of EMERGENCY_NUMBERS[k]) if (!numbers.includes(n)) numbers.push(n);
  for (const n of extra) if (!numbers.includes(n)) numbers.push(n);
  if (generic && !numbers.includes('110')) numbers.push('110');
  return { kind, numbers };
}
