import { cnNumber, parseDayWords, parseTimeWords } from '../../src/modules/appointments/day-words';

const ZONE = 'Asia/Shanghai';
// Monday 2026-11-30, 20:00 in Shanghai — still Monday noon in UTC, and Monday morning in New York.
const now = new Date('2026-11-30T12:00:00Z');
const day = (t: string) => parseDayWords(t, now, ZONE);

describe('typed days (injected clock, Asia/Shanghai)', () => {
  it.each([
    ['今天', '2026-11-30'],
    ['明天', '2026-12-01'],
    ['明天上午', '2026-12-01'],
    ['后天下午', '2026-12-02'],
    ['大后天', '2026-12-03'],
    ['周三', '2026-12-02'],
    ['星期一', '2026-11-30'],
    ['礼拜天', '2026-12-06'],
    ['下周二', '2026-12-08'],
    ['下星期五', '2026-12-11'],
    ['下下周一', '2026-12-14'],
    ['本周五', '2026-12-04'],
    ['12月3号', '2026-12-03'],
    ['12月3日上午9点', '2026-12-03'],
    ['十二月三日', '2026-12-03'],
    ['1月5号', '2027-01-05'],
    ['3号', '2026-12-03'],
    ['30号', '2026-11-30'],
    ['2026-12-10', '2026-12-10'],
    ['2026年12月10日', '2026-12-10'],
    ['12/3', '2026-12-03'],
    // Phrases our rules do not know: chrono-node's Chinese parser (loaded on first use) reads them.
    ['三天后', '2026-12-03'],
    ['5天后', '2026-12-05'],
  ])('%s → %s', (text, expected) => {
    expect(day(text)).toBe(expected);
  });

  it('returns null for no day, past days and impossible dates', () => {
    expect(day('随便')).toBeNull();
    expect(day('2026-11-01')).toBeNull();
    expect(day('2月30日')).toBeNull();
  });

  it('the day rolls over at midnight Shanghai time, not server time', () => {
    // 2026-11-30 16:30 UTC is already Tuesday 00:30 in Shanghai.
    expect(parseDayWords('明天', new Date('2026-11-30T16:30:00Z'), ZONE)).toBe('2026-12-02');
  });
});

describe('typed times', () => {
  it.each([
    ['9点', 9 * 60],
    ['9点半', 9 * 60 + 30],
    ['九点半', 9 * 60 + 30],
    ['上午10点', 10 * 60],
    ['下午2点', 14 * 60],
    ['下午两点', 14 * 60],
    ['2点', 14 * 60],
    ['14:30', 14 * 60 + 30],
    ['10：00', 10 * 60],
    ['3点15分', 15 * 60 + 15],
  ])('%s → %d', (text, minutes) => {
    expect(parseTimeWords(text)).toBe(minutes);
  });
  it('null when there is no time', () => {
    expect(parseTimeWords('明天')).toBeNull();
    expect(parseTimeWords('25点')).toBeNull();
  });
  it('reads Chinese numbers', () => {
    expect(cnNumber('十二')).toBe(12);
    expect(cnNumber('二十五')).toBe(25);
    expect(cnNumber('三十一')).toBe(31);
    expect(cnNumber('十')).toBe(10);
  });
});
