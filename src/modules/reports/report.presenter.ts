import { count, ITEM_KIND_KEYS, type Figures } from './figures';
import { histogramCount, histogramQuantile, HISTOGRAM_RELATIVE_ERROR, type Histogram } from './histogram';
import { isBelowTarget, ratio, satisfactionRate } from './report-math';
import { receivedTotal, resolvedTotal } from './rollup.service';

/** The figures of one room, officer or scope as they leave the server (durations in seconds). */
export interface PresentedFigures {
  items: { received: number; resolved: number; closed: number; receivedByKind: Record<string, number>; resolvedByKind: Record<string, number> };
  firstResponse: DurationStats;
  resolution: DurationStats;
  sla: { due: number; breached: number; breachRate: number | null };
  appointments: { booked: number; completed: number; noShow: number; cancelled: number; noShowRate: number | null };
  tips: { received: number; resolved: number; closed: number };
  surveys: { sent: number; answered: number; responseRate: number | null; satisfied: number; basic: number; unsatisfied: number };
  satisfaction: { rate: number | null; percent: number | null; flagged: boolean };
}

export interface DurationStats {
  count: number;
  calendar: { median: number | null; p90: number | null };
  business: { median: number | null; p90: number | null };
}

const round = (v: number | null) => (v === null ? null : Math.round(v));
export const percent1 = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10);

function durations(cal: Histogram, biz: Histogram): DurationStats {
  return {
    count: histogramCount(cal),
    calendar: { median: round(histogramQuantile(cal, 0.5)), p90: round(histogramQuantile(cal, 0.9)) },
    business: { median: round(histogramQuantile(biz, 0.5)), p90: round(histogramQuantile(biz, 0.9)) },
  };
}

export function presentFigures(f: Figures, targetPercent: number): PresentedFigures {
  const sat = { satisfied: count(f, 'sat_satisfied'), basic: count(f, 'sat_basic'), unsatisfied: count(f, 'sat_unsatisfied') };
  const answered = sat.satisfied + sat.basic + sat.unsatisfied;
  const rate = satisfactionRate(sat);
  const receivedByKind: Record<string, number> = {};
  const resolvedByKind: Record<string, number> = {};
  for (const k of ITEM_KIND_KEYS) {
    receivedByKind[k] = count(f, `recv_${k}`);
    resolvedByKind[k] = count(f, `res_${k}`);
  }
  const completed = count(f, 'appt_completed');
  const noShow = count(f, 'appt_no_show');
  const sent = count(f, 'survey_sent');
  return {
    items: { received: receivedTotal(f), resolved: resolvedTotal(f), closed: count(f, 'closed'), receivedByKind, resolvedByKind },
    firstResponse: durations(f.h.frtCal, f.h.frtBiz),
    resolution: durations(f.h.resCal, f.h.resBiz),
    sla: { due: count(f, 'sla_due'), breached: count(f, 'sla_breached'), breachRate: ratio(count(f, 'sla_breached'), count(f, 'sla_due')) },
    appointments: { booked: count(f, 'appt_booked'), completed, noShow, cancelled: count(f, 'appt_cancelled'), noShowRate: ratio(noShow, completed + noShow) },
    tips: { received: count(f, 'tip_recv'), resolved: count(f, 'tip_resolved'), closed: count(f, 'tip_closed') },
    surveys: { sent, answered, responseRate: ratio(answered, sent), ...sat },
    satisfaction: { rate, percent: percent1(rate), flagged: isBelowTarget(sat, targetPercent) },
  };
}

export const PRECISION_NOTE = {
  percentiles: 'nearest-rank',
  median: '中位数取最近秩（偶数个时取两中间值中较小者）',
  histogramRelativeError: HISTOGRAM_RELATIVE_ERROR,
  text: `响应与办结时长的中位数和第90百分位由对数分桶直方图计算，相对误差不超过${HISTOGRAM_RELATIVE_ERROR * 100}%。工作时长按警务室开放时间计算，不含节假日调整。`,
};
