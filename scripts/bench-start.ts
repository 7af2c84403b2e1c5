/**
 * How long a restart takes: `npm start` until /readyz answers 200, and `npm run bot` until the
 * bot logs "bot started" (wechaty-puppet-mock, so no WeChat login is needed).
 *
 *   npx tsx scripts/bench-start.ts [--runs 3]
 *
 * Each command runs once on a fresh data directory (it may compile and seeds the database),
 * then --runs times on the unchanged built tree and the same data (a warm restart). Both use
 * the embedded database, as a plain `npm start` does; its start-up is part of the figure.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const RUNS = arg('runs', 3);
const ROOT = path.resolve(__dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function readyzAnswers(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Runs `npm run <script>` until `ready()` holds (or it prints `line`); resolves the milliseconds it took, then stops it. */
async function timeStart(script: 'start' | 'bot', dataDir: string): Promise<number> {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', SERVICES: 'web', WECHATY_PUPPET: 'wechaty-puppet-mock', ADMIN_PASSWORD: 'bench-start-password-1' };
  const t0 = performance.now();
  const child = spawn('npm', ['run', '--silent', script], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let logged = false;
  child.stdout.on('data', (b: Buffer) => {
    output += b.toString();
    if (output.includes('"msg":"bot started"')) logged = true;
  });
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  let exited = false;
  child.on('exit', () => (exited = true));
  try {
    for (;;) {
      if (exited) throw new Error(`npm run ${script} exited before it was ready:\n${output.slice(-2000)}`);
      if (script === 'bot' ? logged : await readyzAnswers(port)) return performance.now() - t0;
      if (performance.now() - t0 > 600_000) throw new Error(`npm run ${script} not ready after 10 minutes`);
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    // The whole process group: npm, node and the embedded database it started.
    if (!exited) {
      const done = new Promise((r) => child.on('exit', r));
      process.kill(-child.pid!, 'SIGTERM');
      await done;
    }
  }
}

async function main(): Promise<void> {
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} on ${os.cpus().length} cores`);
  for (const script of ['start', 'bot'] as const) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), `bench-start-${script}-`));
    try {
      const first = await timeStart(script, dataDir);
      const warm: number[] = [];
      for (let i = 0; i < RUNS; i++) warm.push(await timeStart(script, dataDir));
      const sorted = [...warm].sort((a, b) => a - b);
      const f = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
      console.log(`npm run ${script}: first start ${f(first)}; warm restarts ${warm.map(f).join(', ')} (median ${f(sorted[Math.floor(sorted.length / 2)])})`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
