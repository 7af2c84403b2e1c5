import { createUnderstanding, FAQ_SEED, INTENTS, type FaqEntry } from './index';
import { SERVICE_KEYS } from '../lib/service-catalog';

const u = createUnderstanding({ faq: FAQ_SEED });

describe('analyze: intents', () => {
  test.each([
    ['有人在撬我家门！', 'emergency'],
    ['孩子刚出生怎么上户口？', 'service_question'],
    ['想预约办居住证', 'appointment'],
    ['我要举报小区里有人聚众赌博', 'tip'],
    ['能匿名举报吗', 'tip'],
    ['楼上天天半夜剁东西，吵得睡不着能管管吗', 'dispute'],
    ['对门杂物堆楼道，说了也不听', 'dispute'],
    ['窗口民警态度太差，我要投诉', 'complaint'],
    ['材料交了半个月没消息，找谁？', 'complaint'],
    ['这个月18号开放日几点开始？', 'info'],
    ['流动警务室下周来我们村吗', 'info'],
    ['警务室几点上班', 'info'],
    ['我上次反映的事怎么样了', 'status'],
    ['帮我查一下 Y7K2M9QA 的进度', 'status'],
    ['谢谢警官！', 'chitchat'],
    ['你好', 'chitchat'],
    ['@警务室小助手 ', 'chitchat'],
    ['怎么预防诈骗', 'service_question'],
  ])('%s → %s', (text, intent) => {
    expect(u.analyze(text).intent).toBe(intent);
  });

  test('a service question that asks to book is an appointment with the service', () => {
    const a = u.analyze('想预约办居住证');
    expect(a).toMatchObject({ intent: 'appointment', service: 'residence_permit', appointmentAction: 'book' });
  });

  test('appointment actions', () => {
    expect(u.analyze('我想取消明天上午的预约').appointmentAction).toBe('cancel');
    expect(u.analyze('预约的时间能改到下午吗').appointmentAction).toBe('change');
    expect(u.analyze('约个时间办出生登记').appointmentAction).toBe('book');
    expect(u.analyze('身份证丢了咋办').appointmentAction).toBeNull();
  });

  test.each([
    ['帮我约一下后天上午 开户籍证明', 'appointment', 'hukou_certificate'],
    ['给我约个换身份证的号 周三', 'appointment', 'id_card_renewal'],
    ['约好的出生登记能往后推两天吗', 'appointment', 'birth_registration'],
    ['约个时间去认领我丢的钱包', 'appointment', 'lost_and_found'],
    ['我约的是星期几来着', 'status', null],
    ['户籍证明开出来没', 'status', 'hukou_certificate'],
    ['查询 m4k8t2xq', 'status', null],
    ['有人在业主群里高价收银行卡 截图发给你们', 'tip', null],
    ['这个短信多半是诈骗 号码提供给你们', 'tip', null],
    ['留言一个礼拜了也不回一下', 'complaint', null],
    ['预约了去了还得排队一个多小时', 'complaint', null],
    ['你们这儿都能办啥事', 'service_question', null],
    ['你们这儿办业务要交钱吗', 'service_question', null],
    ['负责我们村的片警换了吗', 'info', null],
    ['丢了个灰色的书包 能登记一下吗', 'service_question', 'lost_and_found'],
    ['电动车能在自家门口充电吗 物业不让', 'service_question', 'fire_safety_consultation'],
    ['楼上那家把纸箱子堆在楼梯口 挡着消防通道', 'dispute', null],
    ['我和弟弟在一个户口本上 想分开', 'service_question', 'household_split'],
    ['孩子刚出生 我们两口子民族不一样 上户口随谁', 'service_question', 'birth_registration'],
    ['居住正去哪办', 'service_question', 'residence_permit'],
    ['shenfenzheng diule zenmeban', 'service_question', 'id_card_reissue'],
  ])('family: %s → %s / %s', (text, intent, service) => {
    const a = u.analyze(text);
    expect(a.intent).toBe(intent);
    expect(a.service).toBe(service);
  });

  test('约 as "about" or in other words is not a booking', () => {
    expect(u.analyze('补登一般约15个工作日能办好吗').intent).toBe('service_question');
    expect(u.analyze('办居住证需要提前约吗').intent).toBe('service_question');
    expect(u.analyze('租约到期了 居住登记要重新办吗').intent).toBe('service_question');
  });

  test('asking whether booking is needed is a service question', () => {
    expect(u.analyze('办身份证需要预约吗').intent).toBe('service_question');
  });

  test('emergency wins over everything and carries numbers', () => {
    const a = u.analyze('想预约，但是楼下着火了！');
    expect(a.intent).toBe('emergency');
    expect(a.emergency).toEqual({ kind: 'fire', numbers: ['119'] });
    expect(a.service).toBeNull();
  });

  test('fraud in progress lists 96110 and 110', () => {
    expect(u.analyze('对方自称公安局的，让我把钱转到安全账户').emergency).toEqual({ kind: 'fraud', numbers: ['96110', '110'] });
  });
});

describe('analyze: codes and fields', () => {
  test('extracts follow-up codes in any case', () => {
    expect(u.analyze('j4hp8wz3 这个举报有结果了吗').code).toBe('J4HP8WZ3');
    expect(u.analyze('回执号是SM3K7PQ2').code).toBe('SM3K7PQ2');
    expect(u.analyze('abcS3F7H9KM').code).toBeNull(); // glued to latin letters: not a code
    expect(u.analyze('身份证丢了').code).toBeNull();
  });

  test('a code with a cancel request is an appointment cancellation', () => {
    const a = u.analyze('Y7K2M9QA 这个预约帮我取消');
    expect(a).toMatchObject({ intent: 'appointment', appointmentAction: 'cancel', code: 'Y7K2M9QA' });
  });

  test('every analysis has the full shape', () => {
    for (const text of ['', '   ', '🙏', '身份证丢了', 'x'.repeat(5000)]) {
      const a = u.analyze(text);
      expect(INTENTS).toContain(a.intent);
      expect(a.service === null || (SERVICE_KEYS as readonly string[]).includes(a.service)).toBe(true);
      expect(a.confidence).toBeGreaterThanOrEqual(0);
      expect(a.confidence).toBeLessThanOrEqual(1);
      expect(Array.isArray(a.faqHits)).toBe(true);
    }
  });

  test('service is null for intents that are not about a service', () => {
    expect(u.analyze('邻居装修太吵了').service).toBeNull();
    expect(u.analyze('谢谢').service).toBeNull();
  });
});

describe('retrieval', () => {
  test('finds the matching FAQ entry first', () => {
    expect(u.retrieve('电动车能不能放家里充电', 3)[0]).toMatchObject({ kind: 'faq', id: 'ebike-charge' });
    expect(u.analyze('怎么预防诈骗').faqHits[0]?.id).toBe('fraud-prevent');
  });

  test('returns service hits too, and respects k', () => {
    const hits = u.retrieve('身份证丢了', 5);
    expect(hits.length).toBeLessThanOrEqual(5);
    expect(hits.some((h) => h.kind === 'service' && h.id === 'id_card_reissue')).toBe(true);
    expect(u.retrieve('身份证丢了', 0)).toEqual([]);
  });

  test('setFaq replaces the FAQ', () => {
    const local = createUnderstanding({ faq: [] });
    expect(local.retrieve('停车场收费标准', 3).filter((h) => h.kind === 'faq')).toEqual([]);
    const faq: FaqEntry[] = [{ id: 'parking-fee', question: '警务室门口停车场收费标准是多少？', answer: '免费。', keywords: ['停车场'] }];
    local.setFaq(faq);
    expect(local.retrieve('停车场收费标准', 3)[0]).toMatchObject({ kind: 'faq', id: 'parking-fee' });
    local.setFaq([]);
    expect(local.retrieve('停车场收费标准', 3).filter((h) => h.kind === 'faq')).toEqual([]);
  });
});

describe('FAQ seed', () => {
  test('has at least 80 entries with unique ids and valid services', () => {
    expect(FAQ_SEED.length).toBeGreaterThanOrEqual(80);
    expect(new Set(FAQ_SEED.map((e) => e.id)).size).toBe(FAQ_SEED.length);
    for (const e of FAQ_SEED) {
      expect(e.question.length).toBeGreaterThan(3);
      expect(e.answer.length).toBeGreaterThan(10);
      if (e.service != null) expect(SERVICE_KEYS).toContain(e.service);
    }
  });

  test('covers every service and says the room is not an emergency line', () => {
    for (const key of SERVICE_KEYS) expect(FAQ_SEED.some((e) => e.service === key)).toBe(true);
    const notEmergency = FAQ_SEED.find((e) => e.id === 'room-not-emergency');
    expect(notEmergency?.answer).toMatch(/110/);
    expect(notEmergency?.answer).toMatch(/119/);
    expect(notEmergency?.answer).toMatch(/120/);
    expect(notEmergency?.answer).toMatch(/96110/);
  });
});
