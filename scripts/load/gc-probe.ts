/**
 * Loaded into the service child by memory.ts (node --expose-gc --import …/gc-probe.ts): on
 * SIGUSR2 it runs a full garbage collection and writes the process's memory figures to
 * GC_PROBE_OUT. The V8 heap in use after a full GC is what a leak makes grow; RSS alone
 * also moves with how much garbage V8 chose to keep around.
 */
import { writeFileSync } from 'node:fs';

const out = process.env.GC_PROBE_OUT;
const gc = (globalThis as { gc?: () => void }).gc;

if (out && gc) {
  process.on('SIGUSR2', () => {
    gc();
    gc(); // a second pass collects what the first one's finalizers released
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    writeFileSync(out, JSON.stringify({ rss, heapUsed, heapTotal, external, arrayBuffers }));
  });
}
