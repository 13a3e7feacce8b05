/**
 * Batched rows (RowBatch -> evaluateBatch -> addBatch) must give what the same rows give one by one
 * (evaluate -> add), state for state and bit for bit, whatever the options; and a CSV read that
 * batches must give the report of one that does not (a per-sample consumer turns batching off).
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { analyzePart, type AnalysisRequest } from '../../src/core/analyze';
import { EvalBatch, RowBatch } from '../../src/core/batch';
import { createAccumulator } from '../../src/core/breakdown';
import { createEvaluator } from '../../src/core/losses';
import { bytesSource } from '../../src/core/parse/memory-source';
import { CsvTokenizer, type CsvRow } from '../../src/core/parse/csv';
import { readSamples, splitRanges } from '../../src/core/parse/read';
import type { Layout, ReadOptions, ReadResult } from '../../src/core/parse/types';
import { DEFAULT_OPTIONS, PRESET_NAMES, type LossOptions } from '../../src/core/types';

const probability = fc.double({ min: 0, max: 1, noNaN: true });
const logit = fc.double({ min: -40, max: 40, noNaN: true });

/** Options that take every path of evaluateBatch: the two kernels and the row-by-row one. */
const options = (kind: 'ce' | 'bce', input: 'probs' | 'logits', K: number) =>
  fc.record({
    preset: fc.constantFrom(...PRESET_NAMES),
    labelSmoothing: fc.constantFrom(0, 0, 0.1),
    classWeights: fc.option(fc.array(fc.double({ min: 0.1, max: 3, noNaN: true }), { minLength: K, maxLength: K }), { nil: undefined }),
    focal: fc.constantFrom({}, { focalGamma: 2 }, { focalGamma: 2, focalAlpha: 0.25 }),
    ignoreIndex: fc.constantFrom(undefined, undefined, 1),
    base: fc.constantFrom('e' as const, '2' as const),
  }).map(({ focal, ...o }): LossOptions => ({ ...DEFAULT_OPTIONS, ...o, ...focal, kind, input }));

/** One by one and batched, the accumulator states as JSON. */
function bothWays(opts: LossOptions, K: number, labels: number[], preds: number[][]): [string, string] {
  const kind = opts.kind as 'ce' | 'bce';
  const ev = createEvaluator(opts, K);
  const config = { kind, numClasses: kind === 'ce' ? K : undefined, base: opts.base, topK: 5 };
  const one = createAccumulator(config);
  const e = ev.newEval();
  labels.forEach((y, i) => one.add(ev.evaluate({ prediction: preds[i]!, target: y }, e), i, i + 2));

  const batched = createAccumulator(config);
  const rows = new RowBatch(ev.width);
  const evals = new EvalBatch(rows.capacity);
  const flush = (): void => {
    ev.evaluateBatch(rows, evals);
    batched.addBatch(evals);
    rows.size = 0;
  };
  labels.forEach((y, i) => {
    const at = rows.size++;
    rows.labels[at] = y;
    rows.preds.set(preds[i]!, at * ev.width);
    rows.rows[at] = i;
    rows.lines[at] = i + 2;
    if (rows.size === rows.capacity) flush();
  });
  flush();
  return [JSON.stringify(one.toState(false)), JSON.stringify(batched.toState(false))];
}

describe('batched rows', () => {
  it('ce: evaluateBatch + addBatch leave the state evaluate + add leave, under any options', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }).chain((K) =>
          fc.tuple(
            fc.constant(K),
            fc.constantFrom('probs' as const, 'logits' as const).chain((input) =>
              fc.tuple(
                options('ce', input, K),
                fc.array(fc.tuple(fc.nat({ max: K - 1 }), fc.array(input === 'probs' ? probability : logit, { minLength: K, maxLength: K })), {
                  minLength: 1,
                  maxLength: 40,
                }),
              ),
            ),
          ),
        ),
        ([K, [opts, rows]]) => {
          const [one, batched] = bothWays(opts, K, rows.map((r) => r[0]), rows.map((r) => r[1]));
          assert.equal(batched, one);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('bce: the same, hard and soft targets, probabilities and logits', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('probs' as const, 'logits' as const).chain((input) =>
          fc.tuple(
            options('bce', input, 2),
            fc.array(fc.tuple(fc.oneof(fc.constantFrom(0, 1), probability), input === 'probs' ? probability : logit), { minLength: 1, maxLength: 40 }),
          ),
        ),
        ([opts, rows]) => {
          const [one, batched] = bothWays(opts, 1, rows.map((r) => r[0]), rows.map((r) => [r[1]]));
          assert.equal(batched, one);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('spans several batches: 2,500 rows of 10 classes (256 a batch)', () => {
    const K = 10;
    let seed = 7;
    const rand = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const labels: number[] = [];
    const preds: number[][] = [];
    for (let i = 0; i < 2500; i++) {
      const raw = Array.from({ length: K }, () => rand() + 1e-3);
      const sum = raw.reduce((a, b) => a + b, 0);
      preds.push(raw.map((v) => v / sum));
      labels.push(Math.floor(rand() * K));
    }
    assert.equal(new RowBatch(K).capacity, 256);
    assert.equal(new RowBatch(1000).capacity, 65);
    const [one, batched] = bothWays({ ...DEFAULT_OPTIONS, kind: 'ce', input: 'probs' }, K, labels, preds);
    assert.equal(batched, one);
    assert.equal(JSON.parse(batched).counters.count, 2500);
  });

  it('rejects what evaluate rejects: a class index out of range, a bce target outside [0, 1]', () => {
    const ce = createEvaluator({ ...DEFAULT_OPTIONS, kind: 'ce', input: 'probs' }, 3);
    const rows = new RowBatch(3);
    rows.size = 1;
    rows.labels[0] = 3;
    assert.throws(() => ce.evaluateBatch(rows, new EvalBatch(rows.capacity)), /class index must be an integer in \[0, 3\), got 3/);
    const bce = createEvaluator({ ...DEFAULT_OPTIONS, kind: 'bce', input: 'probs' }, 1);
    const one = new RowBatch(1);
    one.size = 1;
    one.labels[0] = 1.5;
    assert.throws(() => bce.evaluateBatch(one, new EvalBatch(one.capacity)), /bce target must be in \[0, 1\], got 1.5/);
  });
});

describe('batched CSV reads', () => {
  const request: AnalysisRequest = {
    loss: { preset: 'classic', labelSmoothing: 0, reduction: 'mean', base: 'e' },
    overrides: {},
    skipInvalid: true,
    topK: 10,
    calibrationBins: 15,
  };

  /** The report's state with batching (no per-sample consumer) and without (one given). */
  async function bothReads(text: string): Promise<[unknown, unknown, number]> {
    const source = bytesSource('t.csv', text, 7);
    const batched = await analyzePart(source, request);
    let seen = 0;
    const single = await analyzePart(source, request, { onEval: () => void seen++ });
    return [JSON.parse(JSON.stringify(batched)), JSON.parse(JSON.stringify(single)), seen];
  }

  it('give the same state, rows and problems with words for labels, bad rows and quoted numbers between the batched ones', async () => {
    const lines = ['label,p'];
    for (let i = 0; i < 3000; i++) {
      const p = ((i * 7919) % 1000) / 1000;
      if (i % 500 === 17) lines.push(`true,${p}`);
      else if (i % 700 === 3) lines.push(`1,${p + 2}`);
      else if (i % 900 === 5) lines.push(`"0","${p}"`);
      else lines.push(`${i % 2},${p}`);
    }
    const [batched, single, seen] = await bothReads(lines.join('\n') + '\n');
    assert.deepEqual(batched, single);
    const read = (batched as { read: { valid: number; skipped: number; warnings: unknown[] } }).read;
    assert.equal(read.skipped, 5);
    assert.equal(read.valid, 2995);
    assert.equal(seen, 2995);
  });

  it('give the same state for JSONL and JSON records (vectors and fields, bad records, labels as words) as one by one', async () => {
    const jsonl: string[] = [];
    const fields: string[] = [];
    for (let i = 0; i < 1200; i++) {
      const p = ((i * 7919) % 1000) / 1000;
      const y = i % 3;
      const probs = [p / 2, p / 2, 1 - p];
      if (i > 600 && i % 400 === 7) jsonl.push('{"label": 1, "probs": [0.5, 0.5');
      else if (i > 600 && i % 300 === 11) jsonl.push(`{"label": "x", "probs": [${probs.join(', ')}]}`);
      else if (i > 600 && i % 250 === 5) jsonl.push(`{"label": 1, "probs": [0.5, 1.5, 0.2]}`);
      else jsonl.push(`{"id": ${i}, "label": ${y}, "probs": [${probs.join(', ')}]}`);
      fields.push(`{"label": ${y}, "p_0": ${probs[0]}, "p_1": ${probs[1]}, "p_2": ${probs[2]}}`);
    }
    for (const [name, text] of [
      ['t.jsonl', jsonl.join('\n') + '\n'],
      ['f.jsonl', fields.join('\n')],
      ['t.json', '[' + fields.join(',\n') + ']'],
    ] as const) {
      const source = bytesSource(name, text, 13);
      const batched = await analyzePart(source, request);
      let seen = 0;
      const single = await analyzePart(source, request, { onEval: () => void seen++ });
      assert.deepEqual(JSON.parse(JSON.stringify(batched)), JSON.parse(JSON.stringify(single)), name);
      assert.equal(batched.read.valid, seen, name);
      assert.ok(seen > 1100, `${name}: ${seen} rows`);
    }
  });

  it('give the same worst samples and lines for a 10-class file over several batches', async () => {
    const lines = ['label,' + Array.from({ length: 10 }, (_, k) => `p_${k}`).join(',')];
    for (let i = 0; i < 2100; i++) {
      const hot = (i * 31) % 10;
      const row = Array.from({ length: 10 }, (_, k) => (k === hot ? '0.91' : '0.01'));
      lines.push(`${(i * 17) % 10},${row.join(',')}`);
    }
    const [batched, single] = await bothReads(lines.join('\r\n'));
    assert.deepEqual(batched, single);
  });
});

/** Every row a read takes, as [row, line, label, ...predictions], and its result without the layout. */
async function rowsRead(bytes: Uint8Array, chunk: number, batched: boolean, opts: ReadOptions): Promise<[number[][], Omit<ReadResult, 'layout'>]> {
  const rows: number[][] = [];
  let batch: RowBatch | undefined;
  if (batched) {
    const width = opts.layout!.numClasses;
    const b = new RowBatch(width);
    batch = b;
    opts = {
      ...opts,
      batch: {
        batch: b,
        flush: () => {
          for (let i = 0; i < b.size; i++) rows.push([b.rows[i]!, b.lines[i]!, b.labels[i]!, ...b.preds.subarray(i * width, (i + 1) * width)]);
          b.size = 0;
        },
      },
    };
  }
  const r = await readSamples(bytesSource('t.csv', bytes, chunk), opts, (s, row, line) => {
    assert.equal(batch?.size ?? 0, 0, 'rows batched before this one were flushed first');
    rows.push([row, line, s.target as number, ...Array.from(s.prediction)]);
  });
  const { layout: _layout, ...rest } = r;
  return [rows, rest];
}

describe('batched CSV rows: the tokenizer\'s numeric path', () => {
  // Rows a plain numeric path takes, and rows it must leave to the usual one (bad, quoted, odd).
  const good = fc.tuple(fc.nat({ max: 2 }), fc.nat({ max: 1000 }), fc.nat({ max: 1000 })).map(([y, a, b]) => {
    const p = a / 1000;
    return `${y},${p},${(b / 1000).toFixed(b % 7)},id${a}`;
  });
  const odd = fc.constantFrom(
    '', '1,0.5,0.25', '"1",0.5,0.5,x', '1,"0.5",0.5,x', '1,1.5,0.5,x', '3,0.5,0.5,x', '1.5,0.5,0.5,x', '1,abc,0.5,x', '1,0.5,0.5,"a,b"',
    '1,0.5,0.5,"a\nb"', '1,0.5,0.5,x,extra', '1,5e-1,2.5E-1,x', '1,-0.0,0.5,x', '1, 0.5,0.5,x', '1,0.5 ,0.5,x', '0,0.12345678901234567,0.5,x', 'true,0.5,0.5,x',
  );
  // Fields split on the comma outside quotes, then laid out in any column order and with either delimiter.
  const fields = (row: string): string[] => {
    if (row === '') return [];
    const out = [''];
    let quoted = false;
    for (const ch of row) {
      if (ch === '"') quoted = !quoted;
      if (ch === ',' && !quoted) out.push('');
      else out[out.length - 1] += ch;
    }
    return out;
  };
  const file = fc
    .tuple(
      fc.array(fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: odd }), { minLength: 1, maxLength: 60 }),
      fc.constantFrom('\n', '\r\n'),
      fc.boolean(),
      fc.constantFrom([0, 1, 2, 3], [3, 0, 1, 2], [1, 3, 0, 2], [2, 1, 3, 0]),
      fc.constantFrom(',', '\t'),
    )
    .map(([rows, eol, lastEol, order, d]) => {
      const lay = (f: string[]): string => order.filter((i) => i < f.length).map((i) => f[i]).concat(f.slice(4)).join(d);
      return lay(['label', 'p_a', 'p_b', 'id']) + eol + rows.map((r) => lay(fields(r))).join(eol) + (lastEol ? eol : '');
    });

  it('takes the rows, lines, labels and problems the usual path takes, whole and in byte ranges, at any chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(file, fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 4 }), async (text, chunk, parts) => {
        const bytes = new TextEncoder().encode(text);
        const first = await readSamples(bytesSource('t.csv', bytes), { overrides: { labelColumn: 'label', predColumns: ['p_a', 'p_b'] }, skipInvalid: true, limitRows: 1 }, () => {});
        const layout: Layout = { ...first.layout, kind: 'ce', numClasses: 2, labelEncoding: 'index', classNames: ['a', 'b'] };
        for (const range of parts === 1 ? [undefined] : splitRanges(bytes.length, parts)) {
          const opts: ReadOptions = { layout, skipInvalid: true, range, firstLine: range && range.start > 0 ? 1 : undefined };
          const [plainRows, plainResult] = await rowsRead(bytes, chunk, false, opts);
          const [batchedRows, batchedResult] = await rowsRead(bytes, chunk, true, opts);
          assert.deepEqual(batchedRows, plainRows);
          assert.deepEqual(batchedResult, plainResult);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('tokenizer: fraction digits four at a time', () => {
  it('reads any decimal as Number() does when its value is exact, at any chunk boundary', () => {
    const decimal = fc
      .tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,3}$/), fc.stringMatching(/^[0-9]{0,17}$/), fc.constantFrom('', 'e-3', 'E2', 'x', ' '))
      .map(([neg, i, f, tail]) => `${neg ? '-' : ''}${i}${f === '' ? '' : '.' + f}${tail}`);
    fc.assert(
      fc.property(fc.array(fc.array(decimal, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 40 }), (rows, chunk) => {
        const text = rows.map((r) => r.join(',')).join('\n') + '\n';
        const bytes = new TextEncoder().encode(text);
        const t = new CsvTokenizer({ delimiter: 44 });
        const got: number[][] = [];
        const onRow = (r: CsvRow): void => void got.push(Array.from(r.values.subarray(0, r.count)));
        for (let i = 0; i < bytes.length; i += chunk) t.push(bytes.slice(i, i + chunk), onRow);
        t.end(onRow);
        assert.equal(got.length, rows.length);
        rows.forEach((r, i) =>
          r.forEach((field, j) => {
            const v = got[i]![j]!;
            // NaN: left to parseFloatBytes (not a number, or not exact on the fast path).
            if (!Number.isNaN(v)) assert.equal(v, Number(field), `${field} read as ${v}`);
            else if (/^-?[0-9]{1,3}(\.[0-9]{1,12})?$/.test(field)) assert.fail(`${field}: an exact decimal left to the slow path`);
          }),
        );
      }),
      { numRuns: 500 },
    );
  });
});
