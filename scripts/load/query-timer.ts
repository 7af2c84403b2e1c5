/**
 * Preload for a service child under load (`node --import tsx --import ./scripts/load/query-timer.ts …`):
 * turns on the MongoDB driver's command monitoring and sums, per command + collection + filter
 * shape, how many ran and how long they took. The summary is written as JSON to
 * QUERY_TIMER_OUT when the process exits. Nothing under src/ changes.
 */
import { writeFileSync } from 'node:fs';
import mongoose from 'mongoose';

interface Stat {
  count: number;
  totalMs: number;
  maxMs: number;
}

const stats = new Map<string, Stat>();
const pending = new Map<number, string>();
const OP_COLLECTION = ['find', 'insert', 'update', 'delete', 'count', 'aggregate', 'findAndModify', 'distinct', 'createIndexes'];

/** `{room: 'HPL', status: {$in: [...]}}` → `{room,status:$in}`: the shape of a filter, not its values. */
function shape(filter: unknown): string {
  if (!filter || typeof filter !== 'object' || Array.isArray(filter)) return '';
  const parts = Object.entries(filter as Record<string, unknown>).map(([k, v]) => {
    if (k === '$or' || k === '$and') return `${k}[${(v as unknown[]).map(shape).join('|')}]`;
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && Object.keys(v).some((x) => x.startsWith('$'))) {
      return `${k}:${Object.keys(v).join('/')}`;
    }
    return k;
  });
  return `{${parts.join(',')}}`;
}

function keyOf(command: Record<string, unknown>, commandName: string): string {
  if (!OP_COLLECTION.includes(commandName)) return commandName;
  const coll = String(command[commandName]);
  let filter = '';
  if (commandName === 'find' || commandName === 'count' || commandName === 'distinct') filter = shape(command.filter ?? command.query);
  else if (commandName === 'findAndModify') filter = shape(command.query);
  else if (commandName === 'update') filter = (command.updates as Array<{ q: unknown }>).map((u) => shape(u.q)).join(';');
  else if (commandName === 'delete') filter = (command.deletes as Array<{ q: unknown }>).map((u) => shape(u.q)).join(';');
  else if (commandName === 'aggregate') {
    filter = (command.pipeline as Array<Record<string, unknown>>).map((st) => Object.keys(st)[0] + (st.$match ? shape(st.$match) : '')).join(' → ');
  }
  const sort = commandName === 'find' && command.sort ? ` sort${shape(command.sort)}` : '';
  return `${commandName} ${coll} ${filter}${sort}`.trim();
}

function record(requestId: number, ms: number): void {
  const key = pending.get(requestId);
  if (!key) return;
  pending.delete(requestId);
  const s = stats.get(key) ?? { count: 0, totalMs: 0, maxMs: 0 };
  s.count++;
  s.totalMs += ms;
  s.maxMs = Math.max(s.maxMs, ms);
  stats.set(key, s);
}

const originalConnect = mongoose.connect.bind(mongoose);
(mongoose as unknown as { connect: typeof mongoose.connect }).connect = (async (uri: string, options?: mongoose.ConnectOptions) => {
  const m = await originalConnect(uri, { ...(options ?? {}), monitorCommands: true });
  const client = m.connection.getClient();
  client.on('commandStarted', (e) => pending.set(e.requestId, keyOf(e.command as Record<string, unknown>, e.commandName)));
  client.on('commandSucceeded', (e) => record(e.requestId, e.duration));
  client.on('commandFailed', (e) => record(e.requestId, e.duration));
  return m;
}) as typeof mongoose.connect;

process.on('exit', () => {
  const out = process.env.QUERY_TIMER_OUT;
  if (!out) return;
  const rows = [...stats.entries()].map(([key, s]) => ({ key, ...s, avgMs: s.totalMs / s.count })).sort((a, b) => b.totalMs - a.totalMs);
  writeFileSync(out, JSON.stringify(rows, null, 1));
});
