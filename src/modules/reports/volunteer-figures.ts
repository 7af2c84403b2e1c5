import { volunteersOfMonth, type VolunteerMonthRow, type VolunteerTeamsRow } from '../volunteers';
import { toCsv } from './csv';
import type { MonthlyReport } from './report.service';

export type VolunteerTeamsOfReport = VolunteerTeamsRow & { roomName: string };

/**
 * The report's sections on the four volunteer teams (issue 20), for exactly the rooms the report
 * covers (already scoped to what its reader may see): each volunteer with what they did, and per
 * room the volunteers active per team with the tips, dispute notes and notices of the month.
 */
export async function volunteersOfReport(
  report: Pick<MonthlyReport, 'month' | 'rooms'>,
  zone: string,
): Promise<{ volunteers: VolunteerMonthRow[]; volunteerTeams: VolunteerTeamsOfReport[] }> {
  const names = new Map(report.rooms.map((r) => [r.code, r.name]));
  const { people, teams } = await volunteersOfMonth([...names.keys()], report.month, zone);
  return { volunteers: people, volunteerTeams: teams.map((r) => ({ ...r, roomName: names.get(r.room) ?? r.room })) };
}

/** The per-room volunteer table as CSV (`GET /api/reports/monthly.csv?table=volunteers`). */
export function volunteerTeamsCsv(month: string, rows: readonly VolunteerTeamsOfReport[]): string {
  return toCsv(
    ['月份', '警务室编号', '警务室', '信息员', '专管员', '调解员', '安全员', '志愿者合计', '信息员提交线索', '调解员调解记录', '安全员/专管员收到通知'],
    rows.map((r) => [month, r.room, r.roomName, r.active.informant, r.active.specialist, r.active.mediator, r.active.safety, r.activeTotal, r.tips, r.disputeNotes, r.noticesDelivered]),
  );
}
