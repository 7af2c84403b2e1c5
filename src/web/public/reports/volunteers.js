// The monthly report's section on the four volunteer teams (issue 20): per room, the volunteers
// active in the month per team and what they did (tips, dispute notes, notices delivered), from
// `volunteerTeams`; then each volunteer (`volunteers`). The bulletin uses the same table.
import { fillTable } from './format.js';

const TEAM_HEADS = ['信息员', '专管员', '调解员', '安全员', '合计', '提交线索', '调解记录', '收到通知'];

/** The per-room table of the four teams (report page and bulletin). */
export function fillVolunteerTeams(table, rows) {
  fillTable(
    table,
    ['警务室', ...TEAM_HEADS],
    rows.map((r) => ({
      attrs: { 'data-room': r.room },
      cells: [r.roomName, r.active.informant, r.active.specialist, r.active.mediator, r.active.safety, r.activeTotal, r.tips, r.disputeNotes, r.noticesDelivered],
    })),
  );
}

/** One sentence for the bulletin. */
export function volunteerTeamsSummary(rows) {
  const sum = (f) => rows.reduce((a, r) => a + f(r), 0);
  return (
    `本月在岗志愿者${sum((r) => r.activeTotal)}名（信息员${sum((r) => r.active.informant)}、专管员${sum((r) => r.active.specialist)}、调解员${sum((r) => r.active.mediator)}、安全员${sum((r) => r.active.safety)}）；` +
    `信息员提交线索${sum((r) => r.tips)}条，调解员添加调解记录${sum((r) => r.disputeNotes)}条，向安全员、专管员送达通知${sum((r) => r.noticesDelivered)}次。`
  );
}

document.addEventListener('report:rendered', (e) => {
  const teams = e.detail.volunteerTeams ?? [];
  const rows = e.detail.volunteers ?? [];
  const card = document.getElementById('volunteers-card');
  if (!card) return;
  card.classList.toggle('hidden', teams.length === 0 && rows.length === 0);
  fillVolunteerTeams(document.getElementById('volunteer-teams-table'), teams);
  fillTable(
    document.getElementById('volunteers-table'),
    ['警务室', '志愿者', '队伍', '提交线索', '交办纠纷', '调解记录', '查看次数'],
    rows.map((v) => ({ cells: [v.room, v.name, v.teamLabel, v.tips, v.disputesGiven, v.disputeNotes, v.views] })),
  );
});
