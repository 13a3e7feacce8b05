/**
 * The sorted class order taken for word labels is refused only when the rows contradict it: a
 * model whose scores are in another order (a Hugging Face id2label), not one at chance level.
 */
import { strict as assert } from 'node:assert';
import { checkSortedOrder, sortedOrderContradicted } from '../../src/core/parse/class-order';
import { readText } from './parse-helpers';

/** A fixed pseudo-random sequence in [0, 1). */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

/** JSONL rows of `labels` (indices into `order`) with logits peaked on the label's column in `order`, right on `right` of them. */
function jsonl(order: string[], labels: number[], right: (i: number) => boolean): string {
  const rand = lcg(7);
  return labels
    .map((l, i) => {
      const top = right(i) ? l : (l + 1) % order.length;
      const z = order.map((_, j) => Number(((j === top ? 3 : 0) + rand()).toFixed(4)));
      return JSON.stringify({ label: order[l], logits: z });
    })
    .join('\n');
}

const EMOTION = ['sadness', 'joy', 'love', 'anger', 'fear', 'surprise'];
const labels = Array.from({ length: 60 }, (_, i) => (i * 7) % 6);

describe('the sorted class order of word labels, held to the rows', () => {
  it("refuses scores in a model's own order, naming the order the rows agree with", async () => {
    const { result } = await readText('e.jsonl', jsonl(EMOTION, labels, (i) => i % 10 !== 0));
    assert.equal(result.ok, false);
    const message = result.problems.map((p) => p.message).join('\n');
    assert.match(message, /highest score is the label on \d+ of 60 of the first rows; in the order sadness, joy, love, anger, fear, surprise it is on 54/);
    assert.ok(message.includes('--class-names sadness,joy,love,anger,fear,surprise'), message);
  });

  it('reads them once the names are given', async () => {
    const { result } = await readText('e.jsonl', jsonl(EMOTION, labels, (i) => i % 10 !== 0), { overrides: { classNames: EMOTION } });
    assert.equal(result.ok, true);
    assert.deepEqual(result.layout.classNames, EMOTION);
  });

  it('keeps the sorted order, said as an assumption, when the rows agree with it', async () => {
    const sorted = [...EMOTION].sort();
    const { result } = await readText('s.jsonl', jsonl(sorted, labels, (i) => i % 10 !== 0));
    assert.equal(result.ok, true);
    assert.deepEqual(result.layout.classNames, sorted);
    assert.equal(result.layout.assumptions?.length, 1);
  });

  it('does not take a model at chance level, or a handful of rows, for evidence of another order', () => {
    const rand = lcg(3);
    const n = 300;
    const l = Array.from({ length: n }, () => Math.floor(rand() * 4));
    const s = Array.from({ length: n }, () => [rand(), rand(), rand(), rand()]);
    const chance = checkSortedOrder(['a', 'b', 'c', 'd'], l, s);
    assert.equal(chance.rows, n);
    assert.equal(sortedOrderContradicted(chance), false, JSON.stringify(chance));
    // 7 rows all agreeing with a swapped order: too few to refuse on.
    const few = checkSortedOrder(['a', 'b'], [0, 0, 0, 0, 1, 1, 1], [[0, 1], [0, 1], [0, 1], [0, 1], [1, 0], [1, 0], [1, 0]]);
    assert.deepEqual([few.sortedAgree, few.bestAgree, few.bestOrder], [0, 7, ['b', 'a']]);
    assert.equal(sortedOrderContradicted(few), false);
  });
});
