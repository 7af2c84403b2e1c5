import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import mongoose from 'mongoose';

/**
 * What the embedded database (./embedded.ts) keeps in its data directory and asks of the
 * operating system: the server's description (`server.json`), the start lock, the server
 * process (alive? ours? its port answering?), and the pid file of versions before server.json.
 */

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * What a data directory's server is, in `<dir>/server.json`: its pid, the process that owns it
 * (started it and stops it) and its port. Every process that uses the directory reads it first.
 */
export interface ServerInfo {
  pid: number;
  ownerPid: number;
  port: number;
}

export const serverInfoFile = (dir: string) => path.join(dir, 'server.json');
export const lockFile = (dir: string) => path.join(dir, 'server.lock');
const legacyPidFile = (dir: string) => path.join(dir, 'server.pid');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function readServerInfo(dir: string): ServerInfo | null {
  try {
    const info = JSON.parse(readFileSync(serverInfoFile(dir), 'utf8')) as Partial<ServerInfo>;
    if (Number.isInteger(info.pid) && Number.isInteger(info.ownerPid) && Number.isInteger(info.port)) return info as ServerInfo;
  } catch {
    // none, or half-written: treated as no server
  }
  return null;
}

export function writeServerInfo(dir: string, info: ServerInfo): void {
  const tmp = `${serverInfoFile(dir)}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info));
  renameSync(tmp, serverInfoFile(dir));
}

/** The start lock: created exclusively with our pid; a lock whose holder is gone is removed. */
export function takeLock(dir: string): boolean {
  try {
    writeFileSync(lockFile(dir), String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    let holder: number;
    try {
      holder = Number(readFileSync(lockFile(dir), 'utf8').trim());
    } catch {
      return false;
    }
    if (holder && !isAlive(holder)) rmSync(lockFile(dir), { force: true });
    return false;
  }
}

/** Is the process alive (a zombie is not)? EPERM means it exists under another user. */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; Z = zombie (dead, not yet reaped).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // not Linux: kill(0) said it exists
  }
}

/** A live process whose command line names this very directory (a database server of it). */
export function isServerProcess(pid: number, dir: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
  } catch {
    return false;
  }
}

/** Does something accept TCP connections on the port (refused at once when nothing listens)? */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(500, () => done(false));
  });
}

/** Can a fresh client reach the database at `uri` (a ping within `timeoutMs`)? */
export async function pings(uri: string, timeoutMs: number): Promise<boolean> {
  const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close(true).catch(() => undefined);
  }
}

/** Does a database server answer on this local port? */
export const answers = (port: number): Promise<boolean> => pings(`mongodb://127.0.0.1:${port}/`, 700);

export async function killAndWait(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
}

/**
 * Versions before server.json wrote only `server.pid` (no owner). A live server named there
 * that answers (on the port in its command line) is used as it is; one that does not answer is
 * a leftover and is stopped.
 */
export async function legacyServer(dir: string): Promise<ServerInfo | null> {
  let pid: number;
  try {
    pid = Number(readFileSync(legacyPidFile(dir), 'utf8').trim());
  } catch {
    return null;
  }
  if (!isServerProcess(pid, dir)) {
    rmSync(legacyPidFile(dir), { force: true });
    return null;
  }
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const listen = cmdline.find((a) => a.startsWith('--listen-addr='))?.split(':').pop();
  const portArg = cmdline[cmdline.indexOf('--port') + 1];
  const port = Number(listen ?? (cmdline.includes('--port') ? portArg : NaN));
  if (Number.isInteger(port) && (await answers(port))) return { pid, ownerPid: 0, port };
  await killAndWait(pid);
  rmSync(legacyPidFile(dir), { force: true });
  return null;
}
