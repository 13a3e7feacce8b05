/**
 * Compare on two threads (src/node/compare-files.ts): the two files read at once, the bootstrap's
 * blocks split between this thread and a worker, give what compareSamples gives on one thread.
 * Needs the bundled worker: node scripts/build.mjs.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { compareSamples, sampleCollector } from '../../src/core/compare';
import { compareSide } from '../../src/core/compare/side';
import { analyzeFile } from '../../src/node/analyze-file';
import { collectFile, compareInThreads, readBoth } from '../../src/node/compare-files';
import { runInWorker } from '../../src/node/analyze-in-worker';
import { CLASSIC_REQUEST } from './breakdown-helpers';

const DIR = 'test/fixtures/compare';
const workerScript = resolve('dist/file-worker.js');

async function oneThread(file: string) {
  const c = sampleCollector();
  const analysis = await analyzeFile(`${DIR}/${file}`, CLASSIC_REQUEST, { threads: 1, onEval: c.onEval, onLayout: c.onLayout });
  return compareSide(file, analysis, c.result());
}

describe('compare on two threads', () => {
  before(() => {
    if (!existsSync(workerScript)) throw new Error('dist/file-worker.js is missing: run node scripts/build.mjs');
  });

  it('reads both files at once (b on a worker) and resamples on two threads: the statistics of one thread, bit for bit', async () => {
    const job = (name: string) => ({ path: `${DIR}/${name}`, name, request: CLASSIC_REQUEST });
    const [a, b] = await readBoth(job('a.csv'), job('b_shuffled.csv'), { workerScript, threads: 2 }, (file, onProgress) => collectFile(file, { threads: 1, onProgress }));
    const one = compareSamples(await oneThread('a.csv'), await oneThread('b_shuffled.csv'), { seed: 5, resamples: 1000 });
    const two = await compareInThreads(a, b, { workerScript, threads: 2, seed: 5, resamples: 1000 });
    assert.deepEqual(two.stats, one);
    assert.equal(one.paired, 600);
  });

  it("the editor's compare job gives the same outcome as compareSamples", async () => {
    const file = (name: string) => ({ path: resolve(DIR, name), name, request: CLASSIC_REQUEST });
    const r = await runInWorker({ op: 'compare', base: file('a.csv'), other: file('b.csv'), topN: 5 }, { workerScript });
    assert.ok('stats' in r.outcome);
    assert.deepEqual(r.outcome.stats, compareSamples(await oneThread('a.csv'), await oneThread('b.csv')));
    assert.equal(r.changed.length, 5);
  });

  it("a worker's failure is the compare's (the file B cannot be read), after the read of A settles", async () => {
    const job = (name: string) => ({ path: `${DIR}/${name}`, name, request: CLASSIC_REQUEST });
    await assert.rejects(
      readBoth(job('a.csv'), job('no-such.csv'), { workerScript, threads: 2 }, (file, onProgress) => collectFile(file, { threads: 1, onProgress })),
      /no-such\.csv/,
    );
  });
});
