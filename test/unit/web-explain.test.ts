import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { buildIndex } from '../../src/extension/explain/document-index';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';

/**
 * The editor features run in the web extension host too, a Web Worker: no setImmediate there.
 * The index built without it must be the one built with it, still yielding between chunks.
 */
describe('editor features in the web extension host (no setImmediate)', () => {
  const text = readFileSync('samples/digits.csv', 'utf8');
  const request = requestFor(DEFAULT_CONFIG, {});

  async function withoutSetImmediate<T>(run: () => Promise<T>): Promise<T> {
    const g = globalThis as { setImmediate?: typeof setImmediate };
    const saved = g.setImmediate;
    // Mocha keeps its own reference: only the index's lookups of the global see it gone.
    g.setImmediate = undefined;
    try {
      return await run();
    } finally {
      g.setImmediate = saved;
    }
  }

  it('indexes digits.csv in small chunks as in Node, yielding through MessageChannel', async () => {
    const inNode = await buildIndex(text, 'digits.csv', request, { chunkChars: 4096 });
    const inWorker = await withoutSetImmediate(() => buildIndex(text, 'digits.csv', request, { chunkChars: 4096 }));
    assert.deepEqual(inWorker.index, inNode.index);
    assert.equal(inWorker.timing.slices, inNode.timing.slices);
    assert.ok(inWorker.timing.slices >= Math.floor(text.length / 4096), `${inWorker.timing.slices} slices`);
  });
});
