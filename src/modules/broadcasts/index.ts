/** The broadcasts module's front door: what other code may use. */
export { broadcastJob } from './broadcast.job';
export { type Broadcast, BROADCAST_KIND_LABELS, BROADCAST_KINDS } from './broadcast.model';
export { broadcastDelivery, cancelBroadcast, composeText, createBroadcast, findBroadcast, listBroadcasts } from './broadcast.service';
export { broadcastRecipients } from './broadcast.recipients';
