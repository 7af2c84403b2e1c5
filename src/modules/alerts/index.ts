/**
 * Officers' alerts (new emergencies and tips, SLA escalations) through WeCom app messages and
 * the rooms' internal group robots: code, kind, room and a link only.
 */
export { alertSettings, checkStoredRobotKeys, queueItemAlert, roomRobotKey, roomsWithRobot, setRoomRobotKey } from './alert.service';
export { createAlertWatcher, type AlertWatcher } from './alert.watcher';
