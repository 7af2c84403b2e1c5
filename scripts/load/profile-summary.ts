/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by package/file.
 *   npx tsx scripts/load/profile-summary.ts FILE.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** `…/node_modules/@scope/pkg/…` → `@scope/pkg`; `…/src/a/b.ts` → `src/a/b.ts`; else the category. */
function ownerOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native/V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const src = url.search(/\/(src|scripts|bots)\//);
  if (src >= 0) return url.slice(src + 1);
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url;
}

export function summariseProfile(file: string, top = 25): string {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < prof.samples.length; i++) self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self.entries()].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, t]) => a + t, 0);
  const byFn = new Map<string, number>();
  const byOwner = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const owner = ownerOf(url, functionName);
    const fnKey = `${functionName || '(anonymous)'} — ${owner}${url ? `:${lineNumber + 1}` : ''}`;
    byFn.set(fnKey, (byFn.get(fnKey) ?? 0) + us);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1)}%`;
  const fmt = (m: Map<string, number>) =>
    [...m.entries()]
      .filter(([k]) => k !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `| ${k.replace(/\|/g, '¦')} | ${(us / 1e6).toFixed(2)} | ${pct(us)} |`)
      .join('\n');
  return [
    `Wall ${(total / 1e6).toFixed(1)} s, of which idle ${(idle / 1e6).toFixed(1)} s (${((100 * idle) / total).toFixed(0)}%); busy ${(busy / 1e6).toFixed(1)} s. Shares below are of busy time (self time).`,
    '',
    '| package / file | self s | share of busy |',
    '|---|---|---|',
    fmt(byOwner),
    '',
    '| function — where | self s | share of busy |',
    '|---|---|---|',
    fmt(byFn),
  ].join('\n');
}

if (require.main === module) {
  const file = process.argv[2];
  const i = process.argv.indexOf('--top');
  process.stdout.write(summariseProfile(file, i > 0 ? Number(process.argv[i + 1]) : 25) + '\n');
}
