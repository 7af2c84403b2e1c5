import type { Config } from '../../config';
import type { Logger } from '../../logging/logger';
import { parseQuietHours } from '../../lib/quiet-hours';
import type { JobEnv } from './notice.types';

export function createJobEnv(props: { config: Config; logger: Logger; now?: () => Date }): JobEnv {
  return {
    config: props.config,
    logger: props.logger,
    now: props.now ?? (() => new Date()),
    zone: props.config.APP_TIMEZONE,
    quiet: parseQuietHours(props.config.QUIET_HOURS),
    catchUpMs: props.config.JOB_CATCHUP_HOURS * 3600_000,
    leaseMs: props.config.JOB_LEASE_SECONDS * 1000,
  };
}
