import { classroomMonth, type ClassroomMonth } from '../classroom';
import { nearestRank } from './report-math';

/**
 * The month's 网上课堂 (officers' questions answered by supervisors and admins). Counted live from
 * the classroom's facts by Beijing calendar month: a question counts as asked in the month it was
 * asked, as answered in the month of its first answer (a fact stored once, never changed), and every
 * answer given in the month is credited to its answerer.
 */
export interface ClassroomFigures {
  /** Questions asked in the month. */
  asked: number;
  /** Questions first answered in the month (whenever they were asked). */
  answered: number;
  /** Median (nearest rank, as the other figures) minutes from question to first answer, over the questions first answered in the month. */
  medianMinutesToFirstAnswer: number | null;
}

export interface ClassroomAnswerer {
  id: string;
  name: string;
  role: string;
  /** Answers given in the month. */
  answers: number;
  /** Of the questions first answered in the month, those this person answered first. */
  firstAnswers: number;
}

export async function loadClassroomMonth(rooms: readonly string[], from: Date, to: Date): Promise<ClassroomMonth> {
  if (!rooms.length) return { asked: [], firstAnswers: [], answers: [] };
  return classroomMonth({ rooms: [...rooms], from, to });
}

type Filter = (row: { room: string | null; askedBy: string }) => boolean;

export function classroomFigures(month: ClassroomMonth, keep: Filter): ClassroomFigures {
  const firsts = month.firstAnswers.filter(keep);
  const m = nearestRank(firsts.map((f) => f.minutes), 0.5);
  return { asked: month.asked.filter(keep).length, answered: firsts.length, medianMinutesToFirstAnswer: m === null ? null : Math.round(m * 10) / 10 };
}

/** Who answered (supervisors and admins), most answers first. */
export function classroomAnswerers(month: ClassroomMonth, keep: Filter): ClassroomAnswerer[] {
  const out = new Map<string, ClassroomAnswerer>();
  const of = (id: string, name: string, role: string) => {
    const a = out.get(id) ?? { id, name, role, answers: 0, firstAnswers: 0 };
    out.set(id, a);
    return a;
  };
  for (const a of month.answers.filter(keep)) of(a.by, a.byName, a.byRole).answers += 1;
  for (const f of month.firstAnswers.filter(keep)) of(f.by, f.byName, out.get(f.by)?.role ?? '').firstAnswers += 1;
  return [...out.values()].sort((a, b) => b.answers - a.answers || b.firstAnswers - a.firstAnswers || a.name.localeCompare(b.name, 'zh-CN'));
}
