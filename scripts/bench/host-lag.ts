/**
 * How responsive the extension host stays while Loss Lens analyses a big file: a 10 ms timer
 * runs on this thread (standing in for the host's event loop) and records how late each tick
 * fires, while the analysis runs as the extension runs it (runInWorker + dist/file-worker.js) and,
 * for contrast, on this thread (analyzeFile with threads = 1, what the extension must never do).
 *
 *   node scripts/build.mjs && npx tsx scripts/bench/host-lag.ts FILE [--main-thread]
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeFile } from '../../src/node/analyze-file';
import { runInWorker } from '../../src/node/analyze-in-worker';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';

const TICK_MS = 10;

function lagMonitor() {
  const lags: number[] = [];
  let expected = performance.now() + TICK_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    lags.push(Math.max(0, now - expected));
    expected = now + TICK_MS;
  }, TICK_MS);
  return {
    stop() {
      clearInterval(timer);
      const sorted = [...lags].sort((a, b) => a - b);
      const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
      return { ticks: lags.length, p50: q(0.5), p99: q(0.99), max: sorted.at(-1) ?? 0 };
    },
  };
}

async function measure(label: string, run: () => Promise<{ value: number }>) {
  const monitor = lagMonitor();
  const started = performance.now();
  const { value } = await run();
  const seconds = (performance.now() - started) / 1000;
  const lag = monitor.stop();
  console.log(
    `${label}: ${seconds.toFixed(1)} s, mean loss ${value}; timer lag p50 ${lag.p50.toFixed(1)} ms, p99 ${lag.p99.toFixed(1)} ms, max ${lag.max.toFixed(1)} ms over ${lag.ticks} ticks`,
  );
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: host-lag.ts FILE [--main-thread]');
  const request = requestFor(DEFAULT_CONFIG, {});
  console.log(`${file}: ${(statSync(file).size / 1e6).toFixed(0)} MB`);
  await measure('worker (as the extension runs it)', async () => {
    const r = await runInWorker({ op: 'analyze', file: { path: file, name: file, request } }, { workerScript: resolve('dist/file-worker.js') });
    return r.analysis;
  });
  if (process.argv.includes('--main-thread')) {
    await measure('on this thread (for contrast)', () => analyzeFile(file, request, { threads: 1 }));
  }
}

void main();
