/**
 * How long a restart takes: `npm start` until /readyz answers 200, and `npm run bot` until the
 * bot logs "bot started" (wechaty-puppet-mock, so no WeChat login is needed).
 *
 *   npx tsx scripts/bench-start.ts [--runs 10] [--only start|bot]
 *
 * Each command runs once on a fresh data directory (it compiles if the sources changed since the
 * last build, and seeds the database), then --runs times on the unchanged built tree and the
 * same data (a warm restart: `scripts/run-built.cjs` finds the build current and runs no
 * compiler). Both use the embedded database, as a plain `npm start` does; its start-up is part
 * of the figure. The machine's load average is printed with every run: on a shared machine the
 * figure depends on it.
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
const RUNS = arg('runs', 10);
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
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
  const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' / ');
  console.log(`load average (1 / 5 / 15 min) at start: ${load()} on ${os.cpus().length} cores`);
  for (const script of ['start', 'bot'] as const) {
    if (ONLY && ONLY !== script) continue;
    const dataDir = mkdtempSync(path.join(os.tmpdir(), `bench-start-${script}-`));
    try {
      const first = await timeStart(script, dataDir);
      const f = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
      console.log(`npm run ${script}: first start ${f(first)} (load ${load()})`);
      const warm: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        warm.push(await timeStart(script, dataDir));
        console.log(`  warm restart ${i + 1}: ${f(warm[i])} (load ${load()})`);
      }
      const sorted = [...warm].sort((a, b) => a - b);
      const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
      console.log(`npm run ${script}: ${RUNS} warm restarts: median ${f(median)}, min ${f(sorted[0])}, max ${f(sorted[sorted.length - 1])}; load average now ${load()}`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
