// The monthly report's section on the four volunteer teams (issue 20): each room's volunteers and
// what they did this month, from the `volunteers` field of GET /api/reports/monthly.
import { fillTable } from './format.js';

document.addEventListener('report:rendered', (e) => {
  const rows = e.detail.volunteers ?? [];
  const card = document.getElementById('volunteers-card');
  card.classList.toggle('hidden', rows.length === 0);
  fillTable(
    document.getElementById('volunteers-table'),
    ['警务室', '志愿者', '队伍', '提交线索', '交办纠纷', '调解记录', '查看次数'],
    rows.map((v) => ({ cells: [v.room, v.name, v.teamLabel, v.tips, v.disputesGiven, v.disputeNotes, v.views] })),
  );
});
