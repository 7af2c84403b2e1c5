import { detectEmergency } from './emergency';

describe('detectEmergency', () => {
  const cases: Array<[string, string, string[]]> = [
    ['有人在撬我家门！', 'police', ['110']],
    ['有人在翘我家门锁', 'police', ['110']],
    ['楼下有人打架，拿着刀', 'police', ['110']],
    ['俺被人打了', 'police', ['110']],
    ['@警务室小助手 救命 有人跟着我', 'police', ['110']],
    ['着火了！', 'fire', ['119']],
    ['着火啦着火啦🔥 5号楼三楼', 'fire', ['119']],
    ['楼道里冒浓烟了咋整', 'fire', ['119']],
    ['隔壁一股煤气味，敲门没人应', 'fire', ['119']],
    ['厨房煤汽味很大', 'fire', ['119']],
    ['我妈晕倒了叫不醒', 'medical', ['120']],
    ['路口出车祸了，有人躺地上不动', 'medical', ['120']],
    ['老人走丢一个多小时了', 'missing', ['110']],
    ['孩子找不到了😭', 'missing', ['110']],
    ['娃放学到现在还没回来', 'missing', ['110']],
    ['对方让我转钱到安全账户', 'fraud', ['96110', '110']],
    ['有人冒充公检法说我涉嫌洗钱', 'fraud', ['96110', '110']],
    ['客服让我开屏幕共享，我正在弄', 'fraud', ['96110', '110']],
    ['刚刚被骗了两万', 'fraud', ['96110', '110']],
    ['有人在小区里偷电瓶车，现在还在', 'police', ['110']],
    ['女儿一直没回家，手机也关机了', 'missing', ['110']],
  ];
  test.each(cases)('%s → %s', (text, kind, numbers) => {
    const e = detectEmergency(text);
    expect(e).not.toBeNull();
    expect(e!.kind).toBe(kind);
    expect(e!.numbers.slice(0, numbers.length)).toEqual(numbers);
  });

  test('self-harm is a police emergency that also lists 120', () => {
    const e = detectEmergency('有人要跳楼，就在8栋楼顶');
    expect(e?.kind).toBe('police');
    expect(e?.numbers).toEqual(['110', '120']);
  });

  test('violence with injuries lists both police and ambulance', () => {
    const e = detectEmergency('被人打了，头上都是血');
    expect(e?.kind).toBe('police');
    expect(e?.numbers).toEqual(expect.arrayContaining(['110', '120']));
  });

  test.each([
    '消防咨询 电动车能推楼道充电吗',
    '怎么预防诈骗',
    '身份证丢了',
    '户口本找不到了',
    '孩子的身份证丢了怎么补',
    '电动车在楼道充电会着火吗',
    '万一家里着火了，高层住户怎么逃生',
    '以前被骗过，怎么办理报案回执',
    '遇到冒充公检法的电话怎么识别',
    '有个号码冒充客服给我打电话，我挂了，想举报',
    '收到短信说医保卡被冻结，我没点链接',
    '没着火，就是有点烟味想问下',
    '家里要不要装烟雾报警器',
    '钱包丢了能登记吗',
    '我爸上个月去世了，户口怎么注销',
    '你好',
    '儿子找不到工作',
    '打架斗殴会被拘留吗',
    '我要报案回执',
    '上个月被骗了三千，派出所给了回执，现在进度怎样',
  ])('not an emergency: %s', (text) => {
    expect(detectEmergency(text)).toBeNull();
  });

  test('handles full-width text, traditional characters and mentions', () => {
    expect(detectEmergency('＠警务室小助手 著火了！！')?.kind).toBe('fire');
    expect(detectEmergency('有人搶我包')?.kind).toBe('police');
  });
});
