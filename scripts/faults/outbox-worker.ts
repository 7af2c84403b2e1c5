/**
 * A stand-in for the WeChat bot's sending half (bots/wechat/bot.ts): the real outbox sender
 * (src/modules/outbox/outbox.sender.ts) for channel 'wechat', with a fake WeChat transport that
 * appends every delivery to a file. Used by test/reliability/bot-crash.test.ts, which SIGKILLs
 * one of these mid-send and starts another.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:PORT/db DELIVERIES=/tmp/x.jsonl [SEND_MS=150] [ACK_MS=400] \
 *   [STALE_SENDING_MS=120000] [SENDER_ID=…] npx tsx scripts/faults/outbox-worker.ts
 *
 * Per message the transport writes {"phase":"start"}, waits SEND_MS (WeChat working), writes
 * {"phase":"delivered"} — from then on the resident has the message — and waits ACK_MS before
 * returning (the round trip back to the sender), so a kill in that window leaves a delivered
 * message still marked "sending": the one message a crash may repeat. Logs are pino JSON on
 * stdout (warn and above).
 */
import { appendFileSync } from 'node:fs';
import { connectDatabase, disconnectDatabase } from '../../src/storage/connection';
import { createLogger } from '../../src/logging/logger';
import { createOutboxSender } from '../../src/modules/outbox/outbox.sender';
import { sleep } from './harness';

async function main(): Promise<void> {
  const uri = process.env.MONGODB_URI;
  const file = process.env.DELIVERIES;
  if (!uri || !file) throw new Error('MONGODB_URI and DELIVERIES are required');
  const sendMs = Number(process.env.SEND_MS ?? 150);
  const ackMs = Number(process.env.ACK_MS ?? 400);
  const senderId = process.env.SENDER_ID ?? `worker#${process.pid}`;
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'outbox-worker' });
  await connectDatabase(uri);
  const record = (entry: Record<string, unknown>) => appendFileSync(file, `${JSON.stringify({ ...entry, pid: process.pid, at: Date.now() })}\n`);
  const sender = createOutboxSender({
    channel: 'wechat',
    senderId,
    logger,
    batchSize: 5,
    baseBackoffMs: 200,
    maxBackoffMs: 1000,
    staleSendingMs: Number(process.env.STALE_SENDING_MS ?? 120_000),
    send: async (message) => {
      record({ phase: 'start', key: message.key, id: String(message._id) });
      await sleep(sendMs);
      record({ phase: 'delivered', key: message.key, id: String(message._id) });
      await sleep(ackMs);
    },
  });
  record({ phase: 'worker-started', senderId });
  sender.start(100);
  const shutdown = async () => {
    await sender.stop();
    await disconnectDatabase();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
