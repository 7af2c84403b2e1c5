/**
 * Officers' alerts (new emergencies and tips, SLA escalations) through WeCom app messages and
 * the rooms' internal group robots: code, kind, room and a link only.
 */
export { ALERTED_KINDS, alertSettings, alertText, checkStoredRobotKeys, queueItemAlert, roomRobotKey, roomsWithRobot, setRoomRobotKey, type AlertEvent, type AlertItem, type AlertSettings } from './alert.service';
export { createAlertWatcher, type AlertWatcher } from './alert.watcher';
