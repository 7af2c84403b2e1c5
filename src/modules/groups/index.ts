/** WeChat groups bound to rooms (other modules read bindings here, never through the GroupBinding model). */
export { countGroupBindings, groupBindingsByIds, groupBindingsOfRooms } from './group.service';
export type { GroupBinding } from './group.model';
export { presentBindCode, presentBinding } from './group.presenter';
export { createBindCode, findGroupBinding, handleBindCommand, isOfficerWechatId, listGroupBindings, parseBindCommand, unbindGroup } from './group.service';
