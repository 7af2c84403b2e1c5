/**
 * Every channel a message can come from or go out on (stored as a string in many collections).
 * wechat: the wechaty bot; web: the web chat; wecom-kf: WeChat Customer Service (微信客服)
 * through WeCom; wecom-group: group-send tasks into WeCom customer groups; wecom-app /
 * wecom-robot: alerts to officers (WeCom app message, internal group robot).
 */
export const CHANNEL_NAMES = ['wechat', 'web', 'wecom-kf', 'wecom-group', 'wecom-app', 'wecom-robot'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];
