import { groupAddress, lastOptions, pickOption, renderForWechat } from '../../src/channels/wechat/wechat.adapter';
import { joinsThread } from '../../src/modules/conversations/conversation.service';
import { emergencyReply, expectedWithin, groupHandoffReply, NOT_AN_EMERGENCY_LINE } from '../../src/modules/conversations/replies';
import { parseBindCommand } from '../../src/modules/groups/group.service';
import { backoffMs } from '../../src/modules/outbox/outbox.sender';
import type { Analysis } from '../../src/understanding/types';

const names = ['警务室小助手'];

describe('group addressing', () => {
  it.each([
    [{ text: '@警务室小助手 身份证丢了', mentionSelf: true, mentionText: '身份证丢了' }, true, '身份证丢了'],
    [{ text: '@警务室小助手\u2005在吗', mentionSelf: false }, true, '在吗'],
    [{ text: '请问 @警务室小助手 几点开门', mentionSelf: false }, true, '请问 几点开门'],
    [{ text: '警务室 临时身份证怎么办', mentionSelf: false }, true, '临时身份证怎么办'],
    [{ text: '警务室几点开门', mentionSelf: false }, true, '几点开门'],
    [{ text: '身份证丢了', mentionSelf: false }, false, '身份证丢了'],
    [{ text: '@张三 你好', mentionSelf: false }, false, '@张三 你好'],
  ])('%j → addressed=%s', (input, addressed, text) => {
    expect(groupAddress({ ...input, botNames: names, keyword: '警务室' })).toEqual({ addressed, text });
  });
});

describe('numbered quick replies', () => {
  const options = [{ label: '办事指南', value: '办事指南' }, { label: '预约', value: '我要预约' }];
  it('renders options as numbers and maps a number back', () => {
    expect(renderForWechat({ text: '请选择', options })).toBe('请选择\n1. 办事指南\n2. 预约\n（回复数字即可选择）');
    expect(renderForWechat({ text: '无选项' })).toBe('无选项');
    expect(pickOption('2', options)).toBe('我要预约');
    expect(pickOption('２。', options)).toBe('我要预约');
    expect(pickOption('3', options)).toBeNull();
    expect(pickOption('2号楼', options)).toBeNull();
    expect(pickOption('1', null)).toBeNull();
    expect(lastOptions([{ text: 'a', options }, { text: 'b' }])).toBe(options);
  });
});

describe('replies', () => {
  it('emergency replies carry every number and the not-an-emergency-line sentence', () => {
    const r = emergencyReply({ kind: 'fraud', numbers: ['96110', '110'] }, 'S2345678');
    expect(r.text).toContain('96110');
    expect(r.text).toContain('110');
    expect(r.text).toContain(NOT_AN_EMERGENCY_LINE);
    expect(r.text).toContain('S2345678');
  });
  it('group hand-off links the room and says why', () => {
    const r = groupHandoffReply('tip', { code: 'HPL' } as never, 'https://jws.example.cn/');
    expect(r.text).toContain('https://jws.example.cn/?room=HPL');
    expect(r.text).toMatch(/隐私/);
  });
  it('expected times read naturally', () => {
    expect(expectedWithin(5)).toBe('5分钟内');
    expect(expectedWithin(120)).toBe('2小时内');
    expect(expectedWithin(1440)).toBe('24小时内');
    expect(expectedWithin(4320)).toBe('3天内');
  });
});

describe('thread joining rule', () => {
  const a = (over: Partial<Analysis>): Analysis => ({ intent: 'chitchat', service: null, emergency: null, confidence: 0.5, code: null, appointmentAction: null, faqHits: [], ...over });
  it('joins more of the same kind and unclear messages, not new matters', () => {
    expect(joinsThread(a({ intent: 'dispute' }), 'dispute', 'new')).toBe(true);
    expect(joinsThread(a({ intent: 'tip' }), 'dispute', 'new')).toBe(false);
    expect(joinsThread(a({ intent: 'service_question', confidence: 0.35 }), 'question', 'waiting')).toBe(true);
    expect(joinsThread(a({ intent: 'service_question', confidence: 0.9, service: 'id_card_reissue' }), 'question', 'waiting')).toBe(false);
    expect(joinsThread(a({ intent: 'chitchat' }), 'question', 'claimed')).toBe(true);
    expect(joinsThread(a({ intent: 'chitchat' }), 'question', 'resolved')).toBe(false);
    expect(joinsThread(a({ intent: 'status', code: 'S2345678' }), 'question', 'new')).toBe(false);
    expect(joinsThread(a({ intent: 'appointment' }), 'question', 'new')).toBe(false);
  });
});

describe('bind commands and backoff', () => {
  it('parses bind and unbind', () => {
    expect(parseBindCommand('绑定 hpl')).toEqual({ action: 'bind', room: 'HPL', code: null });
    expect(parseBindCommand('绑定HPL 7k2m9qab')).toEqual({ action: 'bind', room: 'HPL', code: '7K2M9QAB' });
    expect(parseBindCommand('解除绑定')).toEqual({ action: 'unbind' });
    expect(parseBindCommand('绑定一下吧')).toBeNull();
  });
  it('backs off exponentially up to a ceiling', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 1000, 5000))).toEqual([1000, 2000, 4000, 5000]);
  });
});

