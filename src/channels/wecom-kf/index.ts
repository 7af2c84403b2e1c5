/**
 * WeChat Customer Service (微信客服) through the WeCom API: what the rest of the service may read of
 * it without knowing its models (the HTTP edge: the channels page, the rooms' posters; the nightly
 * housekeeping job: recordings parked too long).
 */
export { kfContactLinks, purgeParkedVoices, roomContactLink, type WecomKfContactLink } from './kf.models';
