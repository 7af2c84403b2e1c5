/**
 * Diagnostic preload (`node --require ./scripts/faults/mongoose-trace.cjs …`): logs the mongoose
 * connection's state changes and the driver's server description changes to stderr.
 */
const mongoose = require('mongoose');
const t0 = Date.now();
const say = (...a) => process.stderr.write(`[trace +${((Date.now() - t0) / 1000).toFixed(1)}s] ${a.join(' ')}\n`);
const conn = mongoose.connection;
for (const ev of ['connected', 'disconnected', 'reconnected', 'error', 'close']) conn.on(ev, () => say('mongoose', ev, 'readyState', conn.readyState));
conn.once('connected', () => {
  const client = conn.getClient();
  client.on('serverDescriptionChanged', (e) => say('driver serverDescriptionChanged', e.previousDescription.type, '->', e.newDescription.type));
  client.on('serverHeartbeatFailed', (e) => say('driver heartbeat failed', e.failure && e.failure.message));
  setInterval(() => say('state', conn.readyState, conn._readyState, conn._lastHeartbeatAt ? Date.now() - conn._lastHeartbeatAt : null, 'queue', conn._queue.length), 2000).unref();
});
