import { DateTime } from 'luxon';
import type { BusinessClock } from './business-hours';
import { decodeHistogram, emptyHistogram, addValue, encodeHistogram, mergeInto, type Histogram } from './histogram';

/**
 * What the assessment counts, and how raw records turn into it (pure, no I/O).
 *
 * Every figure is keyed by the local day on which its event happened (an item's creation,
 * first response, resolution, closing, due time; a booking, completion, no-show; a survey sent,
 * an answer given). Once a day is over its figures cannot change any more (short of someone
 * editing history), which is what lets one job roll each closed day up once.
 */
export const ITEM_KIND_KEYS = ['question', 'tip', 'dispute', 'complaint', 'emergency', 'followup'] as const;
export type ItemKindKey = (typeof ITEM_KIND_KEYS)[number];

export const COUNT_KEYS = [
  ...ITEM_KIND_KEYS.map((k) => `recv_${k}` as const),
  ...ITEM_KIND_KEYS.map((k) => `res_${k}` as const),
  'closed',
  'sla_due',
  'sla_breached',
  'appt_booked',
  'appt_completed',
  'appt_no_show',
  'appt_cancelled',
  'tip_recv',
  'tip_resolved',
  'tip_closed',
  'reopened',
  'survey_sent',
  'sat_satisfied',
  'sat_basic',
  'sat_unsatisfied',
] as const;
export type CountKey = (typeof COUNT_KEYS)[number];

export const HIST_NAMES = ['frtCal', 'frtBiz', 'resCal', 'resBiz'] as const;
export type HistName = (typeof HIST_NAMES)[number];

export interface Figures {
  c: Partial<Record<CountKey, number>>;
  h: Record<HistName, Histogram>;
}

/** Stored form of one entity's figures (zeros and empty histograms left out). */
export interface StoredFigures {
  room: string;
  /** Officer id, or null for the room as a whole. */
  officer: string | null;
  c: Partial<Record<CountKey, number>>;
  h: Partial<Record<HistName, string>>;
}

export function emptyFigures(): Figures {
  return { c: {}, h: { frtCal: emptyHistogram(), frtBiz: emptyHistogram(), resCal: emptyHistogram(), resBiz: emptyHistogram() } };
}

export function count(f: Figures, key: CountKey): number {
  return f.c[key] ?? 0;
}

export function bump(f: Figures, key: CountKey, n = 1): void {
  f.c[key] = (f.c[key] ?? 0) + n;
}

/** Adds `from` into `into` (mutates `into`). */
export function addFigures(into: Figures, from: Figures): Figures {
  for (const [k, v] of Object.entries(from.c) as Array<[CountKey, number]>) if (v) bump(into, k, v);
  for (const name of HIST_NAMES) mergeInto(into.h[name], from.h[name]);
  return into;
}

export function storeFigures(room: string, officer: string | null, f: Figures): StoredFigures {
  const c: Partial<Record<CountKey, number>> = {};
  for (const key of COUNT_KEYS) if (f.c[key]) c[key] = f.c[key];
  const h: Partial<Record<HistName, string>> = {};
  for (const name of HIST_NAMES) if (f.h[name].size > 0) h[name] = encodeHistogram(f.h[name]);
  return { room, officer, c, h };
}

export function loadFigures(s: Pick<StoredFigures, 'c' | 'h'>): Figures {
  const f = emptyFigures();
  for (const key of COUNT_KEYS) {
    const v = s.c?.[key];
    if (typeof v === 'number' && v) f.c[key] = v;
  }
  for (const name of HIST_NAMES) f.h[name] = decodeHistogram(s.h?.[name]);
  return f;
}

/** The key of an entity in maps: room alone, or room + officer. */
export const entityKey = (room: string, officer: string | null) => `${room}|${officer ?? ''}`;

// ---------------------------------------------------------------- raw records (the shapes read from the database)

export interface ItemRecord {
  room: string;
  kind: string;
  assignee: string | null;
  createdAt: Date;
  dueAt: Date | null;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  /**
   * The item's transitions (its ItemClaim log, oldest epoch first): facts recorded when they
   * happened and never changed afterwards. When present, figures come from them; the mutable
   * fields above (assignee, resolvedAt, firstResponseAt) are only read for items that never
   * went through a transition (imported or seeded in their final state).
   */
  history?: ItemEvent[];
}

/** One committed item transition: who made it, when, and the fields it set. */
export interface ItemEvent {
  epoch: number;
  at: Date;
  officer: string | null;
  patch: { status?: string; assignee?: unknown; firstResponseAt?: Date | null };
}

export interface AppointmentRecord {
  room: string;
  createdAt: Date | null;
  completedAt: Date | null;
  noShowAt: Date | null;
  cancelledAt: Date | null;
  /** Officer who completed it or marked the no-show (from the appointment's end event). */
  endOfficer: string | null;
}

export interface SurveyRecord {
  room: string;
  officer: string | null;
  sentAt: Date;
}

export type RatingValue = 'satisfied' | 'basic' | 'unsatisfied';

export interface RatingRecord {
  room: string;
  officer: string | null;
  rating: RatingValue;
  answeredAt: Date;
}

/** day ('yyyy-MM-dd') → entity key → figures */
export type DayFigures = Map<string, Map<string, { room: string; officer: string | null; f: Figures }>>;

/**
 * Accumulates raw records into per-day, per-room and per-officer figures for events in
 * [from, to). The same code serves the scheduled rollup of one day, the live current day and
 * the full rebuild, which is why a rebuilt rollup equals a scheduled one.
 */
export class RollupAccumulator {
  readonly days: DayFigures = new Map();
  private readonly fromMs: number;
  private readonly toMs: number;
  private readonly dayCache = new Map<number, string>();

  constructor(
    private readonly props: {
      zone: string;
      from: Date;
      to: Date;
      /** Business-hours clock per room code; rooms without one get no business-hours figures. */
      clocks: Map<string, BusinessClock>;
    },
  ) {
    this.fromMs = props.from.getTime();
    this.toMs = props.to.getTime();
  }

  /** Local day of an instant inside [from, to), else null. Cached per quarter hour (every zone offset is a multiple of 15 min). */
  private dayOf(at: Date | null | undefined): string | null {
    if (!at) return null;
    const ms = at.getTime();
    if (!(ms >= this.fromMs && ms < this.toMs)) return null;
    const q = Math.floor(ms / 900_000);
    let day = this.dayCache.get(q);
    if (!day) {
      day = DateTime.fromMillis(ms, { zone: this.props.zone }).toISODate()!;
      this.dayCache.set(q, day);
    }
    return day;
  }

  private figures(day: string, room: string, officer: string | null): Figures {
    let entities = this.days.get(day);
    if (!entities) {
      entities = new Map();
      this.days.set(day, entities);
    }
    const key = entityKey(room, officer);
    let e = entities.get(key);
    if (!e) {
      e = { room, officer, f: emptyFigures() };
      entities.set(key, e);
    }
    return e.f;
  }

  /** Applies `fn` to the room's figures and, when an officer is known, to the officer's too. */
  private each(day: string, room: string, officer: string | null, fn: (f: Figures) => void): void {
    fn(this.figures(day, room, null));
    if (officer) fn(this.figures(day, room, officer));
  }

  /**
   * An item's figures from its transition log, each credited on the day it happened to the
   * officer who did it (or held the item at that moment): received (the room, on creation),
   * taken on (an officer, the first time the item became theirs), first answered, resolved
   * (every resolution, so resolve → reopen → resolve counts twice), reopened, closed, SLA due.
   * Nothing that happens on a later day changes an earlier day's figures, so the nightly rollup
   * of day D and a rebuild after D+n agree.
   */
  private addItemFromHistory(item: ItemRecord & { history: ItemEvent[] }, kind: ItemKindKey): void {
    const clock = this.props.clocks.get(item.room);
    const createdMs = item.createdAt.getTime();
    let day = this.dayOf(item.createdAt);
    if (day) {
      const f = this.figures(day, item.room, null);
      bump(f, `recv_${kind}`);
      if (kind === 'tip') bump(f, 'tip_recv');
    }
    let status = 'new';
    let assignee: string | null = null;
    let first: Date | null = null;
    let firstBy: string | null = null;
    const took = new Set<string>();
    /** [from ms, assignee] steps, to know who held the item at an instant. */
    const held: Array<[number, string | null]> = [[createdMs, null]];
    for (const ev of item.history) {
      const before = status;
      const prevAssignee: string | null = assignee;
      if (ev.patch.status) status = ev.patch.status;
      if ('assignee' in ev.patch) assignee = ev.patch.assignee ? String(ev.patch.assignee) : null;
      held.push([ev.at.getTime(), assignee]);
      const by = ev.officer ?? assignee;
      day = this.dayOf(ev.at);
      if (assignee && assignee !== prevAssignee && !took.has(assignee)) {
        took.add(assignee);
        if (day) {
          const f = this.figures(day, item.room, assignee);
          bump(f, `recv_${kind}`);
          if (kind === 'tip') bump(f, 'tip_recv');
        }
      }
      if (!first && ev.patch.firstResponseAt) {
        first = new Date(ev.patch.firstResponseAt);
        firstBy = by;
      }
      if (status === 'resolved' && before !== 'resolved' && day) {
        const cal = (ev.at.getTime() - createdMs) / 1000;
        const biz = clock ? clock(item.createdAt, ev.at) : null;
        this.each(day, item.room, by, (f) => {
          bump(f, `res_${kind}`);
          if (kind === 'tip') bump(f, 'tip_resolved');
          addValue(f.h.resCal, Math.max(0, cal));
          if (biz !== null) addValue(f.h.resBiz, biz);
        });
      }
      if ((before === 'resolved' || before === 'closed') && status !== 'resolved' && status !== 'closed' && day) {
        this.each(day, item.room, ev.officer, (f) => bump(f, 'reopened'));
      }
    }
    const holderAt = (at: Date): string | null => {
      let who: string | null = null;
      for (const [from, a] of held) if (from <= at.getTime()) who = a;
      return who;
    };
    if (!first && item.firstResponseAt) {
      first = item.firstResponseAt;
      firstBy = holderAt(first);
    }
    day = this.dayOf(first);
    if (day && first) {
      const cal = (first.getTime() - createdMs) / 1000;
      const biz = clock ? clock(item.createdAt, first) : null;
      this.each(day, item.room, firstBy, (f) => {
        addValue(f.h.frtCal, Math.max(0, cal));
        if (biz !== null) addValue(f.h.frtBiz, biz);
      });
    }
    day = this.dayOf(item.closedAt);
    if (day && item.closedAt) {
      this.each(day, item.room, holderAt(item.closedAt), (f) => {
        bump(f, 'closed');
        if (kind === 'tip') bump(f, 'tip_closed');
      });
    }
    day = this.dayOf(item.dueAt);
    if (day && item.dueAt) {
      const breached = !first || first.getTime() > item.dueAt.getTime();
      this.each(day, item.room, holderAt(item.dueAt), (f) => {
        bump(f, 'sla_due');
        if (breached) bump(f, 'sla_breached');
      });
    }
  }

  addItem(item: ItemRecord): void {
    const kind = (ITEM_KIND_KEYS as readonly string[]).includes(item.kind) ? (item.kind as ItemKindKey) : 'question';
    if (item.history && item.history.length > 0) {
      this.addItemFromHistory(item as ItemRecord & { history: ItemEvent[] }, kind);
      return;
    }
    const officer = item.assignee;
    const clock = this.props.clocks.get(item.room);
    let day = this.dayOf(item.createdAt);
    if (day) {
      this.each(day, item.room, officer, (f) => {
        bump(f, `recv_${kind}`);
        if (kind === 'tip') bump(f, 'tip_recv');
      });
    }
    day = this.dayOf(item.firstResponseAt);
    if (day && item.firstResponseAt) {
      const cal = (item.firstResponseAt.getTime() - item.createdAt.getTime()) / 1000;
      const biz = clock ? clock(item.createdAt, item.firstResponseAt) : null;
      this.each(day, item.room, officer, (f) => {
        addValue(f.h.frtCal, Math.max(0, cal));
        if (biz !== null) addValue(f.h.frtBiz, biz);
      });
    }
    day = this.dayOf(item.resolvedAt);
    if (day && item.resolvedAt) {
      const cal = (item.resolvedAt.getTime() - item.createdAt.getTime()) / 1000;
      const biz = clock ? clock(item.createdAt, item.resolvedAt) : null;
      this.each(day, item.room, officer, (f) => {
        bump(f, `res_${kind}`);
        if (kind === 'tip') bump(f, 'tip_resolved');
        addValue(f.h.resCal, Math.max(0, cal));
        if (biz !== null) addValue(f.h.resBiz, biz);
      });
    }
    day = this.dayOf(item.closedAt);
    if (day) {
      this.each(day, item.room, officer, (f) => {
        bump(f, 'closed');
        if (kind === 'tip') bump(f, 'tip_closed');
      });
    }
    // SLA: the first response was due at dueAt; once dueAt has passed, whether it was missed is settled.
    day = this.dayOf(item.dueAt);
    if (day && item.dueAt) {
      const breached = !item.firstResponseAt || item.firstResponseAt.getTime() > item.dueAt.getTime();
      this.each(day, item.room, officer, (f) => {
        bump(f, 'sla_due');
        if (breached) bump(f, 'sla_breached');
      });
    }
  }

  addAppointment(a: AppointmentRecord): void {
    let day = this.dayOf(a.createdAt);
    if (day) bump(this.figures(day, a.room, null), 'appt_booked');
    day = this.dayOf(a.completedAt);
    if (day) this.each(day, a.room, a.endOfficer, (f) => bump(f, 'appt_completed'));
    day = this.dayOf(a.noShowAt);
    if (day) this.each(day, a.room, a.endOfficer, (f) => bump(f, 'appt_no_show'));
    day = this.dayOf(a.cancelledAt);
    if (day) bump(this.figures(day, a.room, null), 'appt_cancelled');
  }

  addSurvey(s: SurveyRecord): void {
    const day = this.dayOf(s.sentAt);
    if (day) this.each(day, s.room, s.officer, (f) => bump(f, 'survey_sent'));
  }

  addRating(r: RatingRecord): void {
    const day = this.dayOf(r.answeredAt);
    if (!day) return;
    const key: CountKey = r.rating === 'satisfied' ? 'sat_satisfied' : r.rating === 'basic' ? 'sat_basic' : 'sat_unsatisfied';
    this.each(day, r.room, r.officer, (f) => bump(f, key));
  }
}
