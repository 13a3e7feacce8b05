/**
 * Packed ids (src/core/compare/ids.ts) against the run's matcher (src/core/run/match.ts's
 * alignByIds, a Map of strings): the same alignment, the same refusals.
 */
import assert from 'node:assert/strict';
import { alignPackedIds, idAt, idPacker, packIds } from '../../src/core/compare/ids';
import { alignByIds } from '../../src/core/run/match';

function shuffled<T>(xs: T[], seed: number): T[] {
  let s = seed;
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('compare: packed ids', () => {
  it('round-trips ids, rows never read (no id) and empty ids', () => {
    const p = idPacker();
    p.add(0, 'a');
    p.add(2, '');
    p.add(3, 'é→x');
    const ids = p.result(6);
    assert.deepEqual(Array.from(ids.end, (_, r) => idAt(ids, r)), ['a', undefined, '', 'é→x', undefined, undefined]);
    assert.equal(ids.text, 'aé→x');
    assert.throws(() => p.add(1, 'late'), /row 1 after row 3/);
  });

  it('aligns as alignByIds does: 20,000 ids over 2 files, shuffled, some in one file only, some rows not read', () => {
    const idsA = Array.from({ length: 20000 }, (_, i) => (i % 3 === 0 ? String(i) : `img-${i}`));
    // B: A's ids but 500 dropped and 300 of its own, shuffled; rows 7 and 9000 of B not read.
    const idsB: (string | undefined)[] = shuffled([...idsA.slice(500), ...Array.from({ length: 300 }, (_, i) => `new-${i}`)], 7);
    idsB[7] = undefined;
    idsB[9000] = undefined;
    const lineA = Float64Array.from(idsA, (_, r) => r + 2);
    const lineB = Float64Array.from(idsB, (id, r) => (id === undefined ? 0 : r + 2));
    const want = alignByIds({ name: 'a', rows: idsA.length, line: lineA, ids: idsA }, { name: 'b', rows: idsB.length, line: lineB, ids: idsB });
    const got = alignPackedIds({ name: 'a', line: lineA, ids: packIds(idsA) }, { name: 'b', line: lineB, ids: packIds(idsB) });
    assert.deepEqual(got, want);
    assert.equal(got.shared, 19498);
    assert.equal(got.onlyFirst.count, 502);
    assert.equal(got.onlyOther.count, 300);
  });

  it('refuses an empty or repeated id with the message alignByIds gives', () => {
    const line = Float64Array.from({ length: 4 }, (_, r) => r + 2);
    const refusal = (ids: (string | undefined)[]) => {
      try {
        alignByIds({ name: 'a', rows: 4, line, ids: ['x', 'y', 'z', 'w'] }, { name: 'b', rows: 4, line, ids });
      } catch (err) {
        return (err as Error).message;
      }
      return 'none';
    };
    for (const ids of [['x', 'y', 'x', 'w'], ['x', '', 'z', 'w'], ['x', undefined, 'z', 'w']]) {
      const want = refusal(ids);
      assert.match(want, /^b:[34]: (no id|id "x" again \(first on line 2\))/);
      assert.throws(() => alignPackedIds({ name: 'a', line, ids: packIds(['x', 'y', 'z', 'w']) }, { name: 'b', line, ids: packIds(ids) }), (e: unknown) => (e as Error).message === want);
    }
  });
});
