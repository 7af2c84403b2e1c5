/** The bot-status module's front door: what other code may use. */
export { BOT_STATE_LABELS, presentBotStatus } from './bot-status.presenter';
export { effectiveState, heartbeat, listBotStatuses, recordBotState } from './bot-status.service';
