import { strict as assert } from 'node:assert';
import { cacheKey, ResultCache } from '../../src/extension/cache';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';

describe('result cache', () => {
  const file = { path: '/w/preds.csv', mtimeMs: 1000.5, size: 42 };
  const request = requestFor(DEFAULT_CONFIG, {});

  it('keys by path, modification time, size and options', () => {
    const k = cacheKey(file, request);
    assert.equal(cacheKey({ ...file }, requestFor(DEFAULT_CONFIG, {})), k);
    assert.notEqual(cacheKey({ ...file, mtimeMs: 1000.6 }, request), k);
    assert.notEqual(cacheKey({ ...file, size: 43 }, request), k);
    assert.notEqual(cacheKey({ ...file, path: '/w/preds2.csv' }, request), k);
    assert.notEqual(cacheKey(file, requestFor(DEFAULT_CONFIG, { preset: 'keras' })), k);
    assert.notEqual(cacheKey(file, requestFor({ ...DEFAULT_CONFIG, topK: 11 }, {})), k);
    // The same options written in another key order are the same request.
    const reordered = { calibrationBins: request.calibrationBins, topK: request.topK, skipInvalid: false, overrides: {}, loss: { ...request.loss } };
    assert.equal(cacheKey(file, reordered), k);
  });

  it('computes once per key, shares a computation in flight, and retries after a failure', async () => {
    const cache = new ResultCache<number>(4);
    let calls = 0;
    const compute = () => Promise.resolve(++calls);
    const [a, b] = await Promise.all([cache.getOrCompute('k', compute), cache.getOrCompute('k', compute)]);
    assert.deepEqual([a, b, calls], [1, 1, 1]);
    await assert.rejects(cache.getOrCompute('bad', () => Promise.reject(new Error('no'))));
    await new Promise((r) => setImmediate(r));
    assert.equal(await cache.getOrCompute('bad', compute), 2);
  });

  it('forgets the least recently used entry, and every entry of a file on request', async () => {
    const cache = new ResultCache<string>(2);
    await cache.getOrCompute(cacheKey(file, request), async () => 'a');
    await cache.getOrCompute('x', async () => 'x');
    void cache.get(cacheKey(file, request));
    await cache.getOrCompute('y', async () => 'y');
    assert.equal(cache.get('x'), undefined);
    assert.equal(await cache.get(cacheKey(file, request)), 'a');
    cache.deleteFile(file.path);
    assert.equal(cache.get(cacheKey(file, request)), undefined);
    assert.equal(cache.size, 1);
  });
});
