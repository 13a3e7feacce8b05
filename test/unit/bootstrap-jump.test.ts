import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { poissonBootstrap } from '../../src/core/compare/bootstrap';

// Replicates k0 / (k0 + k1) of two samples (d = [1, 0]) over 4 blocks of 64 resamples, seed 1,
// computed by Blackman & Vigna's C reference of xoshiro128** next() and jump()
// (scripts/fixtures/xoshiro_jump_ref.c): blocks 1-3 hold only if the jump is the reference's.
const reference = JSON.parse(
  readFileSync('test/fixtures/bootstrap/xoshiro-jump-replicates.json', 'utf8'),
) as (number | null)[];

describe('Poisson bootstrap generator against the C reference', () => {
  const groups = { d: new Float64Array([1, 0]), w: new Float64Array([1, 1]), start: [0, 2], unitWeights: true };

  it('gives the reference replicates in every block (the jump is xoshiro128**\'s)', () => {
    const { total } = poissonBootstrap(groups, { resamples: 256, seed: 1 });
    assert.equal(total.length, 256);
    const ours = Array.from(total, (v) => (Number.isNaN(v) ? null : v));
    assert.deepEqual(ours, reference);
  });

  it('gives block 2 alone as the reference does (a thread starting at a later block)', () => {
    const { total } = poissonBootstrap(groups, { resamples: 256, seed: 1, blocks: { from: 2, to: 3 } });
    assert.deepEqual(Array.from(total, (v) => (Number.isNaN(v) ? null : v)), reference.slice(128, 192));
  });
});
