import { compileBusinessClock, weeklyTemplate } from '../../src/modules/reports/business-hours';
import { rankingChart, trendChart, xmlEscape } from '../../src/modules/reports/charts';
import { BOM, csvCell, toCsv } from '../../src/modules/reports/csv';
import {
  addValue,
  bucketOf,
  decodeHistogram,
  emptyHistogram,
  encodeHistogram,
  histogramQuantile,
  HISTOGRAM_RELATIVE_ERROR,
  mergeInto,
} from '../../src/modules/reports/histogram';
import { isBelowTarget, nearestRank, satisfactionRate } from '../../src/modules/reports/report-math';
import { isDecline, parseRatingAnswer } from '../../src/modules/surveys/survey.text';

const ZONE = 'Asia/Shanghai';
const at = (iso: string) => new Date(`${iso}+08:00`);

describe('nearest-rank percentiles', () => {
  it('takes the value of rank ceil(q·n)', () => {
    const v = [50, 10, 40, 20, 30]; // sorted 10 20 30 40 50
    expect(nearestRank(v, 0.5)).toBe(30);
    expect(nearestRank(v, 0.9)).toBe(50);
    expect(nearestRank(v, 0.2)).toBe(10);
    expect(nearestRank([1, 2, 3, 4], 0.5)).toBe(2); // lower middle for an even count
    expect(nearestRank(Array.from({ length: 10 }, (_, i) => i + 1), 0.9)).toBe(9);
    expect(nearestRank([], 0.5)).toBeNull();
  });
});

describe('log histograms', () => {
  it('reads every quantile within the stated relative error of the exact nearest-rank value', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let trial = 0; trial < 20; trial++) {
      const values = Array.from({ length: 1 + Math.floor(rand() * 400) }, () => Math.exp(rand() * 14)); // 1 s … ~14 days
      const h = emptyHistogram();
      values.forEach((v) => addValue(h, v));
      for (const q of [0.1, 0.5, 0.9, 0.99, 1]) {
        const exact = nearestRank(values, q)!;
        const approx = histogramQuantile(h, q)!;
        expect(Math.abs(approx - exact) / exact).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR + 1e-9);
      }
    }
  });

  it('merges, encodes and decodes without losing counts', () => {
    const a = emptyHistogram();
    const b = emptyHistogram();
    [60, 120, 3600].forEach((v) => addValue(a, v));
    [60, 86400].forEach((v) => addValue(b, v));
    const merged = mergeInto(decodeHistogram(encodeHistogram(a)), decodeHistogram(encodeHistogram(b)));
    expect([...merged.values()].reduce((s, n) => s + n, 0)).toBe(5);
    expect(merged.get(bucketOf(60))).toBe(2);
    expect(histogramQuantile(merged, 1)! / 86400).toBeCloseTo(1, 1);
    expect(decodeHistogram('')).toEqual(new Map());
    expect(histogramQuantile(emptyHistogram(), 0.5)).toBeNull();
  });

  it('puts sub-second values in bucket 0, shown as 0', () => {
    const h = emptyHistogram();
    addValue(h, 0);
    addValue(h, 0.4);
    expect(histogramQuantile(h, 1)).toBe(0);
  });
});

describe('business hours', () => {
  // Mon–Fri 08:30–17:30 with lunch 12:00–14:00 (7 h a day), Saturday 09:00–12:00.
  const hours = [
    ...[1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '08:30', close: '17:30', breakStart: '12:00', breakEnd: '14:00' })),
    { weekday: 6, open: '09:00', close: '12:00' },
  ];
  const clock = compileBusinessClock(hours, ZONE);

  it('counts only opening time, skipping the lunch break', () => {
    // Monday 2024-06-03
    expect(clock(at('2024-06-03T09:00:00'), at('2024-06-03T10:30:00'))).toBe(90 * 60);
    expect(clock(at('2024-06-03T11:00:00'), at('2024-06-03T15:00:00'))).toBe(2 * 3600); // 11–12 and 14–15
    expect(clock(at('2024-06-03T07:00:00'), at('2024-06-03T08:00:00'))).toBe(0);
    expect(clock(at('2024-06-03T12:10:00'), at('2024-06-03T13:50:00'))).toBe(0);
  });

  it('carries over nights and weekends', () => {
    // Friday 17:00 → Monday 09:00: 30 min Friday + 3 h Saturday + 30 min Monday
    expect(clock(at('2024-06-07T17:00:00'), at('2024-06-10T09:00:00'))).toBe(4 * 3600);
  });

  it('adds whole weeks for long spans and agrees with day-by-day counting', () => {
    const weekly = 5 * 7 * 3600 + 3 * 3600;
    expect(clock(at('2024-06-03T00:00:00'), at('2024-06-10T00:00:00'))).toBe(weekly);
    expect(clock(at('2024-06-03T00:00:00'), at('2024-07-01T00:00:00'))).toBe(4 * weekly);
    // 40 days from a Wednesday afternoon: same as adding its parts
    const a = at('2024-06-05T15:00:00');
    const mid = at('2024-06-26T15:00:00');
    const b = at('2024-07-15T10:00:00');
    expect(clock(a, b)).toBe(clock(a, mid)! + clock(mid, b)!);
  });

  it('has nothing to measure for a room without opening hours, and 0 for reversed ranges', () => {
    expect(compileBusinessClock([], ZONE)(at('2024-06-03T09:00:00'), at('2024-06-03T10:00:00'))).toBeNull();
    expect(clock(at('2024-06-03T10:00:00'), at('2024-06-03T09:00:00'))).toBe(0);
    expect(weeklyTemplate(hours)[1]).toEqual([
      [510, 720],
      [840, 1050],
    ]);
  });
});

describe('satisfaction and the 90% line', () => {
  it('is (满意 + 基本满意) / answers, flagged strictly under 90%', () => {
    expect(satisfactionRate({ satisfied: 6, basic: 3, unsatisfied: 1 })).toBeCloseTo(0.9);
    expect(isBelowTarget({ satisfied: 6, basic: 3, unsatisfied: 1 })).toBe(false); // exactly 90%
    expect(isBelowTarget({ satisfied: 5, basic: 3, unsatisfied: 1 })).toBe(true); // 88.9%
    expect(isBelowTarget({ satisfied: 17, basic: 0, unsatisfied: 2 })).toBe(true); // 89.47%
    expect(isBelowTarget({ satisfied: 20, basic: 8, unsatisfied: 3 })).toBe(false); // 90.3%
    expect(isBelowTarget({ satisfied: 0, basic: 0, unsatisfied: 0 })).toBe(false); // no answers: nothing to flag
    expect(satisfactionRate({ satisfied: 0, basic: 0, unsatisfied: 0 })).toBeNull();
    expect(isBelowTarget({ satisfied: 9, basic: 0, unsatisfied: 1 }, 95)).toBe(true);
  });
});

describe('CSV for Excel', () => {
  it('starts with a BOM, uses CRLF, quotes and defuses formulas', () => {
    const csv = toCsv(['名称', '数'], [['和平里, "东"', 3], ['=HYPERLINK("x")', null], [true, 1.5]]);
    expect(csv.startsWith(BOM)).toBe(true);
    expect(csv).toBe(`${BOM}名称,数\r\n"和平里, ""东""",3\r\n"'=HYPERLINK(""x"")",\r\n是,1.5\r\n`);
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell(-1)).toBe('-1');
  });
});

describe('SVG charts', () => {
  it('escapes every text', () => {
    expect(xmlEscape('<a href="x">&\'')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
    const svg = rankingChart({ title: 'T', rows: [{ label: '<script>alert(1)</script>', percent: 80, flagged: true }], targetPercent: 90 });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('90%考核线');
  });

  it('leaves gaps for months without answers', () => {
    const svg = trendChart({ title: 'T', targetPercent: 90, points: [{ label: '1月', percent: 95, flagged: false }, { label: '2月', percent: null, flagged: false }, { label: '3月', percent: 85, flagged: true }, { label: '4月', percent: 92, flagged: false }] });
    expect(svg.match(/<polyline/g)).toHaveLength(1); // 3月–4月 only; 1月 stands alone
    expect(svg.match(/<circle/g)).toHaveLength(3);
  });
});

describe('survey answers', () => {
  it('reads 1/2/3 and the words, and nothing else', () => {
    expect(parseRatingAnswer('1')).toBe('satisfied');
    expect(parseRatingAnswer(' １ ')).toBe('satisfied');
    expect(parseRatingAnswer('满意！')).toBe('satisfied');
    expect(parseRatingAnswer('2')).toBe('basic');
    expect(parseRatingAnswer('基本满意')).toBe('basic');
    expect(parseRatingAnswer('3')).toBe('unsatisfied');
    expect(parseRatingAnswer('不满意')).toBe('unsatisfied');
    expect(parseRatingAnswer('@警务室小助手 3')).toBe('unsatisfied');
    expect(parseRatingAnswer('12')).toBeNull();
    expect(parseRatingAnswer('1', { digits: false })).toBeNull();
    expect(parseRatingAnswer('满意', { digits: false })).toBe('satisfied');
    expect(parseRatingAnswer('身份证丢了怎么办')).toBeNull();
    expect(parseRatingAnswer('')).toBeNull();
    expect(isDecline('不用了')).toBe(true);
    expect(isDecline('窗口态度不好')).toBe(false);
  });
});
