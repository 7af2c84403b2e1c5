/** The talk-day module's front door: what other code may use. */
export { type TalkDayOccurrence, timeRange } from './talk-day.plan';
export { presentOccurrence, presentSettings } from './talk-day.presenter';
export { monthsFrom, TALK_DAY_RULE_LABELS, TALK_DAY_RULES, WEEKDAY_LABELS } from './talk-day.rules';
export { enabledOccurrences, loadSettings, occurrenceFor, savedSettings, saveSettings, talkDayDateOf, type TalkDayPhase, talkDayText } from './talk-day.service';
