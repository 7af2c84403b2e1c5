// The printable monthly bulletin (通报): same data as the report page, laid out for A4.
import { $, createApi, formatFullDateTime } from '/shared/toolkit.js';
import { duration, fillTable, monthLabel, percent, queryString, workLogCells } from './format.js';
import { fillVolunteerTeams, volunteerTeamsSummary } from './volunteers.js';

const api = createApi();

async function start() {
  const q = new URLSearchParams(location.search);
  const query = queryString({ month: q.get('month'), room: q.get('room'), officer: q.get('officer') });
  $('back').href = `./?${query}`;
  let r;
  try {
    r = await api('GET', `/api/reports/monthly?${query}`);
  } catch (err) {
    $('status').textContent = err.status === 401 ? '请先在考核页登录。' : err.message;
    return;
  }
  const t = r.totals;
  $('org').textContent = r.scope.district ? `${r.scope.district.name}公安` : '公安机关';
  $('b-title').textContent = `${r.scope.label}${monthLabel(r.month)}社区警务工作考核通报`;
  $('b-meta').textContent = `统计期间：${monthLabel(r.month)}${r.coverage.complete ? '' : '（截至通报生成时）'}`;
  $('b-summary').textContent =
    `本月共受理群众事项${t.items.received}件，办结${t.items.resolved}件；首次响应时间中位数${duration(t.firstResponse.calendar.median)}（按开放时间计${duration(t.firstResponse.business.median)}），` +
    `第90百分位${duration(t.firstResponse.calendar.p90)}；办结时长中位数${duration(t.resolution.calendar.median)}。超时未响应${t.sla.breached}件（应响应${t.sla.due}件）。` +
    `预约${t.appointments.booked}件，预约办结${t.appointments.completed}件，爽约${t.appointments.noShow}件。受理线索${t.tips.received}条，办结${t.tips.resolved}条。` +
    `发出满意度回访${t.surveys.sent}次，收到评价${t.surveys.answered}次，其中满意${t.surveys.satisfied}、基本满意${t.surveys.basic}、不满意${t.surveys.unsatisfied}，满意率${percent(t.satisfaction.percent)}。`;
  const flagged = r.rooms.filter((x) => x.satisfaction.flagged);
  const flaggedOfficers = r.officers.filter((x) => x.satisfaction.flagged);
  $('b-flagged').textContent =
    flagged.length || flaggedOfficers.length
      ? `满意率低于${r.targetPercent}%考核线的：${[...flagged.map((x) => `${x.name}（${percent(x.satisfaction.percent)}）`), ...flaggedOfficers.map((x) => `民警${x.name}（${percent(x.satisfaction.percent)}）`)].join('、')}，请查找原因、限期整改。`
      : `本月各单位满意率均达到${r.targetPercent}%考核线。`;
  const base = `/api/reports/chart`;
  if (r.scope.type === 'overview') $('b-ranking').src = `${base}/ranking.svg?${query}`;
  else $('b-ranking').classList.add('hidden');
  $('b-trend').src = `${base}/trend.svg?${query}`;
  fillTable(
    $('b-rooms'),
    ['排名', '警务室', '受理', '办结', '超时', '评价数', '满意率'],
    r.rooms.map((x) => ({
      attrs: { class: x.satisfaction.flagged ? 'flagged' : '', 'data-room': x.code },
      cells: [x.rank ?? '—', x.name, x.items.received, x.items.resolved, x.sla.breached, x.surveys.answered, percent(x.satisfaction.percent)],
    })),
  );
  $('b-officers-section').classList.toggle('hidden', r.officers.length === 0);
  fillTable(
    $('b-officers'),
    ['民警', '警务室', '受理', '办结', '首响中位', '评价数', '满意率'],
    r.officers.map((o) => ({
      attrs: { class: o.satisfaction.flagged ? 'flagged' : '' },
      cells: [o.name, o.rooms.join('、'), o.items.received, o.items.resolved, duration(o.firstResponse.calendar.median), o.surveys.answered, percent(o.satisfaction.percent)],
    })),
  );
  const kinds = r.workLog.kinds;
  const w = r.workLog.totals;
  const done = kinds.filter((k) => w.counts[k.key]).map((k) => `${k.label}${w.counts[k.key]}次${w.reached[k.key] ? `（${w.reached[k.key]}户/人）` : ''}`);
  const shortRooms = r.rooms.filter((x) => x.workLog.belowTarget.length);
  const shortOfficers = r.officers.filter((x) => x.workLog.belowTarget.length);
  const label = (list) => kinds.filter((k) => list.includes(k.key)).map((k) => k.label).join('、');
  $('b-worklog').textContent =
    `本月共记录外勤工作${w.total}次${done.length ? `：${done.join('，')}` : ''}。` +
    (shortRooms.length || shortOfficers.length
      ? `未达到月度目标的：${[...shortRooms.map((x) => `${x.name}（${label(x.workLog.belowTarget)}）`), ...shortOfficers.map((x) => `民警${x.name}（${label(x.workLog.belowTarget)}）`)].join('、')}。`
      : '各单位和民警均达到已设的月度目标。');
  const heads = [...kinds.map((k) => k.label), '合计', '未达标'];
  fillTable(
    $('b-worklog-rooms'),
    ['警务室', ...heads],
    r.rooms.map((x) => ({ attrs: { class: x.workLog.belowTarget.length ? 'flagged' : '', 'data-room': x.code }, cells: [x.name, ...workLogCells(kinds, x.workLog)] })),
  );
  $('b-worklog-rooms').classList.toggle('hidden', r.rooms.length === 0);
  fillTable(
    $('b-worklog-officers'),
    ['民警', ...heads],
    r.officers.map((o) => ({ attrs: { class: o.workLog.belowTarget.length ? 'flagged' : '', 'data-officer': o.id }, cells: [o.name, ...workLogCells(kinds, o.workLog)] })),
  );
  $('b-worklog-officers').classList.toggle('hidden', r.officers.length === 0);
  const teams = r.volunteerTeams ?? [];
  $('b-volunteers-section').classList.toggle('hidden', teams.length === 0);
  $('b-volunteers').textContent = volunteerTeamsSummary(teams);
  fillVolunteerTeams($('b-volunteer-teams'), teams);
  const c = r.classroom.totals;
  $('b-classroom').textContent =
    `本月民警在网上课堂提问${c.asked}个，督导和管理员首次解答${c.answered}个、共解答${c.answers}条` +
    (c.medianMinutesToFirstAnswer === null ? '。' : `，提问到首次解答的中位时长${duration(c.medianMinutesToFirstAnswer * 60)}。`);
  fillTable(
    $('b-classroom-answerers'),
    ['解答人', '解答条数', '其中首次解答'],
    r.classroom.answerers.map((a) => ({ attrs: { 'data-answerer': a.id }, cells: [a.name, a.answers, a.firstAnswers] })),
  );
  $('b-classroom-answerers').classList.toggle('hidden', r.classroom.answerers.length === 0);
  $('b-note').textContent = `说明：满意率 =（满意 + 基本满意）÷ 评价数；低于${r.targetPercent}%的单位和个人标红。${r.precision.text}`;
  $('b-generated').textContent = `生成时间：${formatFullDateTime(r.generatedAt)}（北京时间）`;
  $('sheet').classList.remove('hidden');
}

$('print').addEventListener('click', () => window.print());
start();
