import { Types } from 'mongoose';
import { generateCode } from '../../src/lib/codes';
import { AppointmentEventModel, AppointmentModel } from '../../src/modules/appointments/appointment.model';
import { ItemModel } from '../../src/modules/items/item.model';
import { RatingModel, SurveyModel, type RatingValue } from '../../src/modules/surveys/survey.model';

/**
 * A hand-built month (May 2024, Asia/Shanghai) whose figures are known:
 *  - HPL, officer O1: ten items A1–A10 created at 09:00 on the weekdays of 6–17 May, first answered
 *    after 10, 20, …, 100 minutes (median 50 min, P90 90 min), resolved after 2·i hours; A1–A8 due
 *    after 60 minutes (A7, A8 miss it), A9–A10 after 24 h. Kinds: 6 questions, 2 tips, 1 dispute, 1 complaint.
 *  - B1 (O1): created 31 May 23:00, answered 1 June (received in May, first response in June).
 *  - B2 (O1): created 30 April 10:00, due 1 May 10:00, answered 2 May, resolved 2 May (resolved in May, SLA missed).
 *  - C1: HPL, nobody assigned, created 20 May 09:00, due 10:00, never answered (missed).
 *  - Satisfaction, HPL: 15 满意 + 3 基本满意 + 2 不满意 = 90.0 % (not flagged; O1's ten of them: 8 + 0 + 2 = 80 %, flagged);
 *    LSC: 7 + 1 + 2 = 80 % (flagged). Surveys sent in May: HPL 25, LSC 12. One answer on 1 June to a May survey.
 *  - Appointments, HPL: 5 booked in May, 3 completed (2 by O1), 1 no-show, 1 cancelled.
 *  - April: one 满意 answer for HPL (the trend), June 20 (the open day): one HPL item at 09:00.
 */
export const at = (iso: string) => new Date(`${iso}+08:00`);
const MIN = 60_000;
const HOUR = 3_600_000;

export const MAY_WEEKDAYS = ['2024-05-06', '2024-05-07', '2024-05-08', '2024-05-09', '2024-05-10', '2024-05-13', '2024-05-14', '2024-05-15', '2024-05-16', '2024-05-17'];
export const A_KINDS = ['question', 'question', 'question', 'question', 'question', 'question', 'tip', 'tip', 'dispute', 'complaint'];

const code = (p: 'S' | 'J' | 'Y') => generateCode(p === 'S' ? 'item' : p === 'J' ? 'tip' : 'appointment');

function item(props: { room: string; kind: string; assignee: string | null; createdAt: Date; dueAt: Date; firstResponseAt?: Date | null; resolvedAt?: Date | null }) {
  return {
    code: code(props.kind === 'tip' ? 'J' : 'S'),
    room: props.room,
    kind: props.kind,
    status: props.resolvedAt ? 'resolved' : props.firstResponseAt ? 'claimed' : 'new',
    priority: 0,
    flagged: false,
    summary: '测试事项',
    service: null,
    labels: [],
    dueAt: props.dueAt,
    assignee: props.assignee ? new Types.ObjectId(props.assignee) : null,
    claimEpoch: 0,
    leaseUntil: null,
    origin: null,
    anonymous: false,
    parentItem: null,
    firstResponseAt: props.firstResponseAt ?? null,
    resolvedAt: props.resolvedAt ?? null,
    closedAt: null,
    reopenCount: 0,
    lastActivityAt: props.createdAt,
    createdAt: props.createdAt,
    updatedAt: props.createdAt,
  };
}

export interface FixtureIds {
  o1: string;
  o2: string;
}

export function aItems(o1: string) {
  return MAY_WEEKDAYS.map((day, idx) => {
    const i = idx + 1;
    const created = at(`${day}T09:00:00`);
    return item({
      room: 'HPL',
      kind: A_KINDS[idx],
      assignee: o1,
      createdAt: created,
      dueAt: new Date(created.getTime() + (i <= 8 ? 60 * MIN : 24 * HOUR)),
      firstResponseAt: new Date(created.getTime() + 10 * i * MIN),
      resolvedAt: new Date(created.getTime() + 2 * i * HOUR),
    });
  });
}

export async function buildFixture(ids: FixtureIds): Promise<void> {
  const items = [
    ...aItems(ids.o1),
    item({ room: 'HPL', kind: 'question', assignee: ids.o1, createdAt: at('2024-05-31T23:00:00'), dueAt: at('2024-06-01T23:00:00'), firstResponseAt: at('2024-06-01T10:00:00') }),
    item({ room: 'HPL', kind: 'question', assignee: ids.o1, createdAt: at('2024-04-30T10:00:00'), dueAt: at('2024-05-01T10:00:00'), firstResponseAt: at('2024-05-02T09:00:00'), resolvedAt: at('2024-05-02T11:00:00') }),
    item({ room: 'HPL', kind: 'question', assignee: null, createdAt: at('2024-05-20T09:00:00'), dueAt: at('2024-05-20T10:00:00') }),
    item({ room: 'HPL', kind: 'question', assignee: null, createdAt: at('2024-06-20T09:00:00'), dueAt: at('2024-06-21T09:00:00') }),
  ];
  await ItemModel.collection.insertMany(items);

  // Surveys and ratings
  const surveys: Record<string, unknown>[] = [];
  const ratings: Record<string, unknown>[] = [];
  const addSurvey = (room: string, officer: string | null, sentAt: Date, rating?: RatingValue, answeredAt?: Date) => {
    const id = `item:${new Types.ObjectId().toHexString()}`;
    surveys.push({ _id: id, subjectType: 'item', subjectId: id.slice(5), subjectCode: null, room, officer, to: null, anonymous: false, tokenHash: 'x', outboxKey: null, sentAt, expiresAt: new Date(sentAt.getTime() + 72 * HOUR), createdAt: sentAt, updatedAt: sentAt });
    if (rating) ratings.push({ _id: id, room, officer, rating, via: 'web', answeredAt: answeredAt ?? new Date(sentAt.getTime() + HOUR), sentAt });
  };
  const mayDay = (k: number) => at(`2024-05-${String(1 + (k % 28)).padStart(2, '0')}T10:00:00`);
  // HPL: O1 8 satisfied + 2 unsatisfied; nobody 7 satisfied + 3 basic; 5 unanswered
  for (let k = 0; k < 8; k++) addSurvey('HPL', ids.o1, mayDay(k), 'satisfied');
  for (let k = 0; k < 2; k++) addSurvey('HPL', ids.o1, mayDay(10 + k), 'unsatisfied');
  for (let k = 0; k < 7; k++) addSurvey('HPL', null, mayDay(12 + k), 'satisfied');
  for (let k = 0; k < 3; k++) addSurvey('HPL', null, mayDay(20 + k), 'basic');
  for (let k = 0; k < 5; k++) addSurvey('HPL', null, mayDay(k));
  // LSC: 7 satisfied, 1 basic, 2 unsatisfied, 2 unanswered
  for (let k = 0; k < 7; k++) addSurvey('LSC', ids.o2, mayDay(k), 'satisfied');
  addSurvey('LSC', ids.o2, mayDay(8), 'basic');
  for (let k = 0; k < 2; k++) addSurvey('LSC', ids.o2, mayDay(9 + k), 'unsatisfied');
  for (let k = 0; k < 2; k++) addSurvey('LSC', ids.o2, mayDay(12 + k));
  // A survey sent on 31 May, answered on 1 June: sent in May, answered in June.
  addSurvey('HPL', null, at('2024-05-31T20:00:00'), 'unsatisfied', at('2024-06-01T09:00:00'));
  // April: one satisfied answer for HPL
  addSurvey('HPL', null, at('2024-04-10T10:00:00'), 'satisfied');
  await SurveyModel.collection.insertMany(surveys as never[]);
  await RatingModel.collection.insertMany(ratings as never[]);

  // Appointments, HPL: created in May: 5; completed 3 (2 by O1, 1 by nobody known), 1 no-show (O1), 1 cancelled
  const appt = (props: { createdAt: Date; start: Date; status: string; completedAt?: Date; noShowAt?: Date; cancelledAt?: Date }) => ({
    _id: new Types.ObjectId(),
    code: code('Y'),
    room: 'HPL',
    service: 'id_card_renewal',
    serviceName: '身份证换领',
    start: props.start,
    end: new Date(props.start.getTime() + 30 * MIN),
    seats: [],
    status: props.status,
    walkIn: false,
    name: null,
    phone: null,
    materialsConfirmed: false,
    origin: null,
    source: 'web',
    reschedules: 0,
    checkedInAt: null,
    completedAt: props.completedAt ?? null,
    noShowAt: props.noShowAt ?? null,
    cancelledAt: props.cancelledAt ?? null,
    cancelledBy: props.cancelledAt ? 'resident' : null,
    createdBy: null,
    createdAt: props.createdAt,
    updatedAt: props.createdAt,
  });
  const appts = [
    appt({ createdAt: at('2024-05-02T10:00:00'), start: at('2024-05-06T09:00:00'), status: 'completed', completedAt: at('2024-05-06T09:20:00') }),
    appt({ createdAt: at('2024-05-03T10:00:00'), start: at('2024-05-07T09:00:00'), status: 'completed', completedAt: at('2024-05-07T09:25:00') }),
    appt({ createdAt: at('2024-05-04T10:00:00'), start: at('2024-05-08T09:00:00'), status: 'completed', completedAt: at('2024-05-08T09:30:00') }),
    appt({ createdAt: at('2024-05-05T10:00:00'), start: at('2024-05-09T09:00:00'), status: 'no_show', noShowAt: at('2024-05-09T12:00:00') }),
    appt({ createdAt: at('2024-05-06T10:00:00'), start: at('2024-05-10T09:00:00'), status: 'cancelled', cancelledAt: at('2024-05-08T12:00:00') }),
  ];
  await AppointmentModel.collection.insertMany(appts);
  const ev = (a: (typeof appts)[number], type: string, officer: string | null, when: Date) => ({
    appointment: a._id,
    key: 'end',
    type,
    by: 'officer',
    officer: officer ? new Types.ObjectId(officer) : null,
    from: null,
    to: null,
    createdAt: when,
  });
  await AppointmentEventModel.collection.insertMany([
    ev(appts[0], 'completed', ids.o1, appts[0].completedAt!),
    ev(appts[1], 'completed', ids.o1, appts[1].completedAt!),
    ev(appts[2], 'completed', null, appts[2].completedAt!),
    ev(appts[3], 'no_show', ids.o1, appts[3].noShowAt!),
  ]);
}
