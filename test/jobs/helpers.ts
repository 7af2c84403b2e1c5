import { GroupBindingModel } from '../../src/modules/groups/group.model';
import { AppointmentModel } from '../../src/modules/appointments/appointment.model';
import { createScheduler, messageJobs, type Scheduler } from '../../src/jobs';
import { testConfig, testLogger } from '../helpers/app';

/** An instant given in Asia/Shanghai local time. */
export const sh = (iso: string) => new Date(`${iso}+08:00`);

export class FakeClock {
  constructor(private t: Date) {}
  now = (): Date => new Date(this.t.getTime());
  set(t: Date) {
    this.t = new Date(t.getTime());
  }
  advance(ms: number) {
    this.t = new Date(this.t.getTime() + ms);
  }
}

export function makeScheduler(clock: FakeClock, instanceId: string, env: Record<string, string> = {}): Scheduler {
  return createScheduler({ jobs: messageJobs(), config: testConfig(env), logger: testLogger(), now: clock.now, instanceId });
}

/** What the instances' jobs really did: one line per run executed and per delivery made. */
export interface Executions {
  /** `<instance> <job> <runKey>` */
  runs: string[];
  /** `<instance> <job> <runKey> <recipient>` */
  deliveries: string[];
}

/**
 * A scheduler whose jobs record every execution into `log`. Rows that sit on unique keys (job
 * runs, outbox keys) would look the same whether one instance or all of them ran a job; these
 * lines do not.
 */
export function countingScheduler(clock: FakeClock, instanceId: string, log: Executions): Scheduler {
  const jobs = messageJobs().map((job) => ({
    ...job,
    run: (ctx: Parameters<typeof job.run>[0]) => {
      log.runs.push(`${instanceId} ${ctx.job} ${ctx.runKey}`);
      return job.run({
        ...ctx,
        deliver: (d) => {
          log.deliveries.push(`${instanceId} ${ctx.job} ${ctx.runKey} ${d.eventKey ?? d.recipient}`);
          return ctx.deliver(d);
        },
      });
    },
  }));
  return createScheduler({ jobs, config: testConfig(), logger: testLogger(), now: clock.now, instanceId });
}

export async function bindGroup(groupId: string, room: string, topic: string) {
  await GroupBindingModel.create({ groupId, room, topic, boundVia: 'code', boundAt: new Date() });
}

let apptSeq = 0;
export async function createAppointment(props: { room: string; start: Date; conversationId?: string | null; status?: 'booked' | 'cancelled' }) {
  apptSeq++;
  const code = `Y${'ABCDEFGH'[apptSeq % 8]}${String(2345600 + apptSeq).slice(-6)}`.replace(/[01]/g, '2');
  await AppointmentModel.create({
    _id: code,
    code,
    room: props.room,
    service: 'id_card_renewal',
    serviceName: '身份证换领',
    start: props.start,
    end: new Date(props.start.getTime() + 30 * 60_000),
    status: props.status ?? 'booked',
    origin: props.conversationId ? { channel: 'wechat', conversationId: props.conversationId, isGroup: false } : null,
  });
  return code;
}
