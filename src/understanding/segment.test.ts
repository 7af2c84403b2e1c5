import { normalize, segment, stripMentions } from './segment';

describe('normalize', () => {
  test('full-width to half-width and lower case', () => {
    expect(normalize('ＡＢＣ１２３？')).toBe('abc123?');
  });
  test('strips @mentions followed by a space, and known bot names without one', () => {
    expect(normalize('@警务室小助手 身份证丢了咋办')).toBe('身份证丢了咋办');
    expect(normalize('@警务室小助手\u2005在吗')).toBe('在吗');
    expect(normalize('@警务室小助手身份证丢了')).toBe('身份证丢了');
  });
  test('strips emoji but keeps the words', () => {
    expect(normalize('着火了🔥🔥快来')).toBe('着火了 快来');
    expect(normalize('🙏🙏')).toBe('');
  });
  test('maps common traditional characters', () => {
    expect(normalize('身份證丟了怎麼辦')).toContain('身份证');
  });
  test('stripMentions leaves plain text alone', () => {
    expect(stripMentions('没有提到谁')).toBe('没有提到谁');
  });
});

describe('segment', () => {
  test('keeps domain words whole', () => {
    const words = segment(normalize('俺想开个无犯罪记录证明，还有港澳通行证签注'));
    expect(words).toEqual(expect.arrayContaining(['无犯罪记录证明', '港澳通行证', '签注']));
    expect(words).not.toContain('，');
  });
  test('empty text gives no words', () => {
    expect(segment('')).toEqual([]);
  });
});
