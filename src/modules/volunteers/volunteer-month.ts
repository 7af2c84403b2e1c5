import { DateTime } from 'luxon';
import {
  DisputeAssignmentModel,
  type Volunteer,
  VOLUNTEER_TEAM_LABELS,
  VOLUNTEER_TEAMS,
  VolunteerActivityModel,
  VolunteerModel,
  VolunteerNoticeModel,
  type VolunteerTeam,
} from './volunteer.model';

/** One volunteer of a room and what they did in the month. */
export interface VolunteerMonthRow {
  room: string;
  name: string;
  team: string;
  teamLabel: string;
  tips: number;
  disputeNotes: number;
  views: number;
  disputesGiven: number;
}

/** One room's volunteers in the month, per team, and what they did. */
export interface VolunteerTeamsRow {
  room: string;
  /** Volunteers active at some time in the month, per team. */
  active: Record<VolunteerTeam, number>;
  activeTotal: number;
  /** 信息员 tips submitted, 调解员 dispute notes added, notices delivered to 安全员/专管员: counted by when each happened. */
  tips: number;
  disputeNotes: number;
  noticesDelivered: number;
}

export interface VolunteersOfMonth {
  /** Each volunteer of the rooms (by room, team, name). */
  people: VolunteerMonthRow[];
  /** Each room, in the order given, with or without volunteers. */
  teams: VolunteerTeamsRow[];
}

const count = <T>(rows: readonly T[], keep: (row: T) => boolean) => rows.reduce((n, row) => (keep(row) ? n + 1 : n), 0);

/**
 * The month's volunteers of these rooms ('yyyy-MM' in `zone`, Asia/Shanghai), read once for both
 * tables of the report: per volunteer, and per room and team. A team counts the volunteers active
 * at some time in the month (created before its end, not switched off before its start); what
 * they did is counted from the facts recorded when it happened (the tip's and the note's activity
 * rows, the notice's delivery record, the dispute handed over).
 */
export async function volunteersOfMonth(codes: readonly string[], month: string, zone: string): Promise<VolunteersOfMonth> {
  if (!codes.length) return { people: [], teams: [] };
  const first = DateTime.fromISO(`${month}-01`, { zone });
  const start = first.toJSDate();
  const end = first.plus({ months: 1 }).toJSDate();
  const rooms = { room: { $in: [...codes] } };
  const during = { $gte: start, $lt: end };
  const [volunteers, activity, given, notices] = await Promise.all([
    VolunteerModel.find(rooms, { room: 1, team: 1, name: 1, active: 1, deactivatedAt: 1, createdAt: 1 })
      .sort({ room: 1, team: 1, name: 1 })
      .lean<Volunteer[]>(),
    VolunteerActivityModel.find({ ...rooms, at: during }, { volunteer: 1, room: 1, kind: 1 }).lean(),
    DisputeAssignmentModel.find({ ...rooms, createdAt: during }, { volunteer: 1 }).lean(),
    VolunteerNoticeModel.find({ ...rooms, at: during }, { room: 1 }).lean(),
  ]);

  const people = volunteers.map((v) => {
    const mine = activity.filter((a) => a.volunteer === v._id);
    return {
      room: v.room,
      name: v.name,
      team: v.team,
      teamLabel: VOLUNTEER_TEAM_LABELS[v.team as VolunteerTeam],
      tips: count(mine, (a) => a.kind === 'tip'),
      disputeNotes: count(mine, (a) => a.kind === 'dispute_note'),
      views: count(mine, (a) => a.kind === 'view'),
      disputesGiven: count(given, (g) => g.volunteer === v._id),
    };
  });

  const teams = codes.map((room) => {
    const active = Object.fromEntries(VOLUNTEER_TEAMS.map((t) => [t, 0])) as Record<VolunteerTeam, number>;
    for (const v of volunteers) {
      if (v.room !== room || v.createdAt.getTime() >= end.getTime()) continue;
      const inMonth = v.active || (v.deactivatedAt != null && v.deactivatedAt.getTime() >= start.getTime());
      if (inMonth) active[v.team as VolunteerTeam]++;
    }
    const mine = activity.filter((a) => a.room === room);
    return {
      room,
      active,
      activeTotal: Object.values(active).reduce((a, b) => a + b, 0),
      tips: count(mine, (a) => a.kind === 'tip'),
      disputeNotes: count(mine, (a) => a.kind === 'dispute_note'),
      noticesDelivered: count(notices, (n) => n.room === room),
    };
  });
  return { people, teams };
}
