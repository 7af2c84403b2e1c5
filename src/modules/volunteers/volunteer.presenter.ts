import { maskPersonalData } from '../../lib/mask';
import { type Volunteer, VOLUNTEER_TEAM_LABELS, type VolunteerTeam } from './volunteer.model';

/** What the account adds to the profile in the admins' list: the phone (masked), whether a temporary password waits. */
interface AccountView {
  phone?: string | null;
  mustChangePassword?: boolean | null;
}

/** What leaves the server of a volunteer's profile (and, for the admins' list, of its account). */
export function presentVolunteer(v: Volunteer, account?: AccountView | null) {
  const base = { id: v._id, username: v.username, name: v.name, room: v.room, team: v.team, teamLabel: VOLUNTEER_TEAM_LABELS[v.team as VolunteerTeam], active: v.active };
  if (account === undefined) return base;
  return { ...base, phoneMasked: account?.phone ? maskPersonalData(account.phone) : null, mustChangePassword: Boolean(account?.mustChangePassword) };
}
