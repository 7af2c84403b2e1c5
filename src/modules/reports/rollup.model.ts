import { Schema, model } from 'mongoose';
import type { StoredFigures } from './figures';

/**
 * Rollups of the monthly assessment. One writer builds them (the daily rollup job, or the
 * rebuild script with the scheduler stopped), so plain replaces are safe: nothing here is
 * ever $inc'ed by concurrent writers.
 *
 * All documents have deterministic string ids and are read by id or by a scan of a small
 * collection: on FerretDB 1.24 (SQLite) no secondary index is used by queries, so the report
 * must never scan raw records, and the collections it reads must stay small.
 *
 *  - ReportDay   `<room>|<yyyy-MM-dd>`  one closed day of a room: the room and its officers.
 *  - ReportDayMark `<yyyy-MM-dd>`       the day was rolled up for every room (written last).
 *  - ReportMonth `<district>|<yyyy-MM>` the merged days [firstDay, throughDay] of a month:
 *                                       what a district report reads (one document).
 *  - ReportTrend `<district>|<yyyy-MM>` a few numbers per room/officer for the 12-month trend.
 *  - ReportLive  `<district>|<from>|<to>` a cached computation of days not rolled up yet
 *                                       (the still-open current day), refreshed by a job.
 */
const figuresSchema = new Schema(
  {
    room: { type: String, required: true },
    officer: { type: String, default: null },
    c: { type: Schema.Types.Mixed, default: {} },
    h: { type: Schema.Types.Mixed, default: {} },
  },
  { _id: false, minimize: false },
);

const reportDaySchema = new Schema(
  {
    _id: { type: String, required: true },
    room: { type: String, required: true },
    district: { type: String, required: true },
    day: { type: String, required: true },
    month: { type: String, required: true },
    entities: { type: [figuresSchema], default: [] },
    builtAt: { type: Date, required: true },
  },
  { versionKey: false },
);
reportDaySchema.index({ month: 1, district: 1 });

export interface ReportDayDoc {
  _id: string;
  room: string;
  district: string;
  day: string;
  month: string;
  entities: StoredFigures[];
  builtAt: Date;
}
export const ReportDayModel = model('ReportDay', reportDaySchema);

const reportDayMarkSchema = new Schema(
  {
    _id: { type: String, required: true },
    rooms: { type: Number, required: true },
    builtAt: { type: Date, required: true },
    by: { type: String, enum: ['job', 'rebuild'], required: true },
  },
  { versionKey: false },
);
export const ReportDayMarkModel = model('ReportDayMark', reportDayMarkSchema);

const seriesSchema = new Schema(
  {
    room: { type: String, required: true },
    /** Items received / resolved per day of the month (index 0 = the 1st). */
    recv: { type: [Number], default: [] },
    res: { type: [Number], default: [] },
  },
  { _id: false },
);

const reportMonthSchema = new Schema(
  {
    _id: { type: String, required: true },
    district: { type: String, required: true },
    month: { type: String, required: true },
    firstDay: { type: String, required: true },
    throughDay: { type: String, required: true },
    entities: { type: [figuresSchema], default: [] },
    series: { type: [seriesSchema], default: [] },
    builtAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export interface ReportMonthDoc {
  _id: string;
  district: string;
  month: string;
  firstDay: string;
  throughDay: string;
  entities: StoredFigures[];
  series: Array<{ room: string; recv: number[]; res: number[] }>;
  builtAt: Date;
}
export const ReportMonthModel = model('ReportMonth', reportMonthSchema);

const trendEntrySchema = new Schema(
  {
    room: { type: String, required: true },
    officer: { type: String, default: null },
    recv: { type: Number, default: 0 },
    res: { type: Number, default: 0 },
    sent: { type: Number, default: 0 },
    s: { type: Number, default: 0 },
    b: { type: Number, default: 0 },
    u: { type: Number, default: 0 },
  },
  { _id: false },
);

const reportTrendSchema = new Schema(
  {
    _id: { type: String, required: true },
    district: { type: String, required: true },
    month: { type: String, required: true },
    firstDay: { type: String, required: true },
    throughDay: { type: String, required: true },
    entries: { type: [trendEntrySchema], default: [] },
  },
  { versionKey: false },
);

export interface TrendEntry {
  room: string;
  officer: string | null;
  recv: number;
  res: number;
  sent: number;
  s: number;
  b: number;
  u: number;
}
export interface ReportTrendDoc {
  _id: string;
  district: string;
  month: string;
  firstDay: string;
  throughDay: string;
  entries: TrendEntry[];
}
export const ReportTrendModel = model('ReportTrend', reportTrendSchema);

const liveDaySchema = new Schema({ day: { type: String, required: true }, entities: { type: [figuresSchema], default: [] } }, { _id: false });

const reportLiveSchema = new Schema(
  {
    _id: { type: String, required: true },
    district: { type: String, required: true },
    from: { type: Date, required: true },
    to: { type: Date, required: true },
    open: { type: Boolean, required: true },
    computedAt: { type: Date, required: true },
    days: { type: [liveDaySchema], default: [] },
  },
  { versionKey: false },
);

export interface ReportLiveDoc {
  _id: string;
  district: string;
  from: Date;
  to: Date;
  open: boolean;
  computedAt: Date;
  days: Array<{ day: string; entities: StoredFigures[] }>;
}
export const ReportLiveModel = model('ReportLive', reportLiveSchema);
