/**
 * The shortcuts taken for speed must not change a number: the evaluator's entropy against the
 * accumulator's own per-class logs, and readers fed through reused read buffers against fresh ones.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createAccumulator } from '../../src/core/breakdown';
import { createEvaluator } from '../../src/core/losses';
import { bytesSource } from '../../src/core/parse/memory-source';
import type { ByteRange, ByteSource, ChunkOptions } from '../../src/core/parse/types';
import { DEFAULT_OPTIONS, PRESET_NAMES, type LossOptions, type SampleEval } from '../../src/core/types';
import { fileSource, CHUNK_BYTES } from '../../src/node/file-source';
import { readAll } from './parse-helpers';
import { binaryLoss, plainBinaryLoss } from '../../src/core/loss/binary';
import { resolveOptions } from '../../src/core/loss/resolve';
import { Scratch } from '../../src/core/loss/scratch';
import { reportJson, stringifyReport } from '../../src/core/report-json';
import { analyze } from '../../src/core/analyze';
import { CsvTokenizer, fieldText, rowTexts } from '../../src/core/parse/csv';
import { defaultSampleRows } from '../../src/core/parse/csv-reader';
import { readLayout } from '../../src/core/parse/read';
import { ceEval, feed } from './breakdown-helpers';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';

/** The accumulator's mean entropy over one sample, with the evaluator's entropy hidden or shown. */
function meanEntropy(kind: 'ce' | 'bce', classes: number, e: SampleEval, useGiven: boolean): number {
  const acc = createAccumulator({ kind, numClasses: kind === 'bce' ? undefined : classes, base: 'e' });
  acc.add(useGiven ? e : { ...e, entropy: undefined }, 0, 1);
  return acc.result().meanEntropy;
}

function shannon(p: ArrayLike<number>): number {
  let h = 0;
  for (let k = 0; k < p.length; k++) if ((p[k] as number) > 0) h -= (p[k] as number) * Math.log(p[k] as number);
  return h;
}

describe('fast paths: the evaluator entropy', () => {
  const logit = fc.double({ min: -60, max: 60, noNaN: true });

  it('from logits (lse - sum p z) equals the accumulator\'s -sum p ln p to 1e-12, under every preset', () => {
    fc.assert(
      fc.property(fc.array(logit, { minLength: 2, maxLength: 12 }), fc.nat(), fc.constantFrom(...PRESET_NAMES), (z, t, preset) => {
        const K = z.length;
        const ev = createEvaluator({ ...DEFAULT_OPTIONS, kind: 'ce', input: 'logits', preset }, K);
        const e = ev.evaluate({ prediction: z, target: t % K }, ev.newEval());
        assert.ok(e.entropy !== undefined && Number.isFinite(e.entropy), 'logits give the entropy');
        assert.ok(Math.abs((e.entropy as number) - shannon(e.probs)) <= 1e-12, `${e.entropy} vs ${shannon(e.probs)}`);
        const given = meanEntropy('ce', K, e, true);
        const own = meanEntropy('ce', K, e, false);
        assert.ok(Math.abs(given - own) <= 1e-12 * Math.max(1, own), `${given} vs ${own}`);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a large logit range exact: a certain prediction has entropy 0, not a rounding residue', () => {
    const ev = createEvaluator({ ...DEFAULT_OPTIONS, kind: 'ce', input: 'logits' }, 3);
    const e = ev.evaluate({ prediction: [500, -500, 0], target: 0 }, ev.newEval());
    assert.ok((e.entropy as number) >= 0 && (e.entropy as number) < 1e-200);
    const even = ev.evaluate({ prediction: [2, 2, 2], target: 1 }, ev.newEval());
    assert.ok(Math.abs((even.entropy as number) - Math.log(3)) < 1e-15);
  });

  it('for binary probabilities and logits equals the accumulator\'s two logs to 1e-12', () => {
    const p = fc.double({ min: 0, max: 1, noNaN: true });
    const cases: [LossOptions['input'], fc.Arbitrary<number>][] = [['probs', p], ['logits', logit]];
    for (const [input, arb] of cases) {
      fc.assert(
        fc.property(arb, fc.constantFrom(0, 1), fc.constantFrom(...PRESET_NAMES), (x, y, preset) => {
          const ev = createEvaluator({ ...DEFAULT_OPTIONS, kind: 'bce', input, preset }, 1);
          const e = ev.evaluate({ prediction: [x], target: y }, ev.newEval());
          const given = meanEntropy('bce', 2, e, true);
          const own = meanEntropy('bce', 2, e, false);
          assert.ok(Math.abs(given - own) <= 1e-12, `${input} ${preset} x=${x}: ${given} vs ${own}`);
        }),
        { numRuns: 400 },
      );
    }
  });

  it('is left to the accumulator where the kernel has no logs of p itself (probabilities into a CE)', () => {
    const ev = createEvaluator({ ...DEFAULT_OPTIONS, kind: 'ce', input: 'probs' }, 3);
    const e = ev.evaluate({ prediction: [0.2, 0.3, 0.5], target: 2 }, ev.newEval());
    assert.ok(Number.isNaN(e.entropy));
    assert.ok(Math.abs(meanEntropy('ce', 3, e, true) - shannon([0.2, 0.3, 0.5])) < 1e-15);
  });
});

/**
 * A source that honours reuseBuffers adversarially: every chunk is served from one buffer, which
 * is scribbled over before the next chunk is copied in. A reader that kept a chunk would read junk.
 */
function scribblingSource(name: string, text: string, chunkSize: number): ByteSource {
  const bytes = new TextEncoder().encode(text);
  const inner = bytesSource(name, bytes, chunkSize);
  return {
    name,
    size: bytes.length,
    async *chunks(range?: ByteRange, options?: ChunkOptions) {
      if (!options?.reuseBuffers) {
        yield* inner.chunks(range);
        return;
      }
      const shared = new Uint8Array(chunkSize);
      for await (const c of inner.chunks(range)) {
        shared.fill(0x37); // '7': still digits, so kept bytes would change numbers silently
        shared.set(c);
        yield shared.subarray(0, c.length);
      }
    },
  };
}

describe('fast paths: reused read buffers', () => {
  const header = 'label,p_0,p_1,p_2\n';
  const lines: string[] = [];
  // More than the 64 KB the CSV reader gathers (as copies) to sniff the delimiter.
  for (let i = 0; i < 4000; i++) {
    const a = ((i * 37) % 97) / 200;
    const b = ((i * 11) % 89) / 300;
    lines.push(`${i % 3},${a.toFixed(6)},${b.toFixed(6)},${(1 - a - b).toFixed(6)}`);
  }
  // Quoted fields and a long row keep the tokenizer holding an open row across many small chunks.
  lines[10] = `"1","0.250000","0.250000","0.500000"`;
  lines[20] = `2,0.${'1'.repeat(400)},0.2,0.${'6'.repeat(300)}`;
  const text = header + lines.join('\n') + '\n';

  for (const chunkSize of [7, 100, 4096, 1 << 20]) {
    it(`reads the same rows through a buffer overwritten each chunk (${chunkSize}-byte chunks)`, async () => {
      const fresh = await readAll(bytesSource('a.csv', text, chunkSize));
      const reused = await readAll(scribblingSource('a.csv', text, chunkSize));
      assert.equal(fresh.rows.length, 4000);
      assert.deepEqual(reused.rows, fresh.rows);
      assert.deepEqual(reused.messages, fresh.messages);
    });
  }

  it('fileSource with reuseBuffers yields the exact bytes of any range, and stops cleanly when left early', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-reuse-'));
    const path = join(dir, 'big.csv');
    const data = new Uint8Array(2 * CHUNK_BYTES + 12345);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 10)) & 0xff;
    writeFileSync(path, data);
    const src = await fileSource(path);
    const ranges = [undefined, { start: 0, end: data.length }, { start: 5, end: CHUNK_BYTES + 9 }, { start: CHUNK_BYTES, end: 2 * CHUNK_BYTES }];
    for (const range of ranges) {
      const parts: Uint8Array[] = [];
      for await (const c of src.chunks(range, { reuseBuffers: true })) parts.push(c.slice());
      const got = Buffer.concat(parts);
      const want = data.subarray(range?.start ?? 0, range?.end ?? data.length);
      assert.equal(got.length, want.length);
      assert.ok(Buffer.from(want).equals(got), `range ${JSON.stringify(range)}`);
    }
    for await (const c of src.chunks(undefined, { reuseBuffers: true })) {
      assert.equal(c.length, CHUNK_BYTES);
      break;
    }
  });
});

describe('fast paths: typed accumulator states', () => {
  it('merge exactly as JSON states do, after a structured clone that transfers their arrays', () => {
    const K = 5;
    const evals = Array.from({ length: 400 }, (_, i) => {
      const raw = Array.from({ length: K }, (_, k) => 1 + ((i * 7 + k * 13) % 11) + (k === i % K ? 6 : 0));
      const sum = raw.reduce((a, b) => a + b, 0);
      return ceEval(raw.map((x) => x / sum), (i * 3) % K);
    });
    const config = { kind: 'ce' as const, numClasses: K, base: 'e' as const, topK: 7 };
    const halves = [feed(createAccumulator(config), evals.slice(0, 150)), feed(createAccumulator(config), evals.slice(150), 150)];
    const viaJson = createAccumulator(config);
    for (const h of halves) viaJson.merge(JSON.parse(JSON.stringify(h)));
    const viaTyped = createAccumulator(config);
    const { port1, port2 } = new MessageChannel();
    for (const h of halves) {
      const state = h.toState(true);
      const buffers = Object.values(state.arrays).map((a) => (a as Float64Array).buffer as ArrayBuffer);
      port1.postMessage(state, buffers);
      assert.ok(buffers.every((b) => b.byteLength === 0), 'transferred, not copied');
      viaTyped.merge(receiveMessageOnPort(port2)!.message);
    }
    port1.close();
    assert.deepEqual(viaTyped.result(), viaJson.result());
    assert.equal(viaTyped.result().count, 400);
  });
});

describe('fast paths: report JSON without a replacer', () => {
  /** The former implementation: a replacer called on every value. */
  const reference = (value: unknown, indent = 2): string =>
    JSON.stringify(
      value,
      (_key, v: unknown) => {
        if (typeof v !== 'number' || Number.isFinite(v)) return v;
        if (Number.isNaN(v)) return null;
        return v > 0 ? 'Infinity' : '-Infinity';
      },
      indent,
    );

  it('writes the same text as a replacer for any value, infinities and NaN included', () => {
    const numbers = fc.oneof(fc.double(), fc.constantFrom(Infinity, -Infinity, NaN, -0));
    const values = fc.anything({
      values: [numbers, fc.string(), fc.boolean(), fc.constant(null), fc.constant(undefined)],
      withTypedArray: true,
      withSparseArray: true,
      withNullPrototype: true,
      withDate: true,
      withMap: true,
    });
    fc.assert(fc.property(values, fc.constantFrom(0, 2), (v, indent) => assert.equal(stringifyReport(v, indent), reference(v, indent))), { numRuns: 2000 });
  });

  it('follows toJSON and leaves the input untouched', () => {
    const inner = { mean: Infinity, rows: [1, -Infinity, NaN] };
    const v = { a: inner, b: { toJSON: () => ({ c: -Infinity }) }, big: Array.from({ length: 1000 }, (_, i) => i) };
    assert.equal(stringifyReport(v), reference(v));
    assert.equal(inner.mean, Infinity);
    assert.equal(inner.rows[1], -Infinity);
  });

  it('writes a whole report as the replacer does (its confusion counts are not searched)', async () => {
    const rows = ['label,p_0,p_1,p_2', '0,1,0,0', '1,0.2,0.3,0.5', '2,0.1,0.1,0.8', '1,0,0,1'];
    const request = { loss: { ...DEFAULT_OPTIONS, preset: 'none' as const }, overrides: {}, skipInvalid: false, topK: 3, calibrationBins: 10 };
    const report = reportJson(await analyze(bytesSource('r.csv', rows.join('\n') + '\n'), request));
    assert.equal(report.mean, Infinity);
    assert.deepEqual(report.confusion, [[1, 0, 0], [0, 0, 2], [0, 0, 1]]);
    // The same text but for the confusion matrix, written one row per line.
    const text = stringifyReport(report);
    assert.equal(text.replace('"confusion": [\n    [1,0,0],\n    [0,0,2],\n    [0,0,1]\n  ]', '"confusion": null'), reference({ ...report, confusion: null }));
    assert.equal(stringifyReport(report, 0), reference(report, 0));
  });

  it('writes a report\'s matrix by rows at any depth, whatever the strings around it hold', async () => {
    const rows = ['label,p', '1,0.9', '0,0.2', '1,0.4', '0,0.1', '1,0.8'];
    const request = { loss: { ...DEFAULT_OPTIONS, preset: 'none' as const }, overrides: {}, skipInvalid: false, topK: 3, calibrationBins: 10 };
    const report = reportJson(await analyze(bytesSource('b.csv', rows.join('\n') + '\n'), request));
    const nested = { a: [{ report }], b: 'a "quoted" \u0000matrix 0 look-alike' };
    const text = stringifyReport(nested, 4);
    assert.deepEqual(JSON.parse(text), JSON.parse(reference(nested, 4)));
    assert.match(text, /\n {16}"confusion": \[\n {20}\[2,0\],\n {20}\[1,2\]\n {16}\]/);
  });
});

describe('fast paths: row texts from one decode', () => {
  it('equal the per-field decode for ASCII, quoted, doubled-quote and non-ASCII rows', () => {
    const field = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', '1', '.', '-', ' ', 'é', '猫', '😀') }),
      fc.string().map((t) => `"${t.replace(/"/g, '""')}"`),
      fc.double({ noNaN: true }).map(String),
    );
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const text = rows.map((r) => r.join(',')).join('\n') + '\n';
        const tok = new CsvTokenizer({ delimiter: 44 });
        let seen = 0;
        const check = (row: Parameters<typeof rowTexts>[0]) => {
          seen++;
          const want = Array.from({ length: row.count }, (_, i) => fieldText(row, i));
          assert.deepEqual(rowTexts(row), want);
        };
        tok.push(new TextEncoder().encode(text), check);
        tok.end(check);
        // A row of one empty field is a blank line, which CSV readers skip.
        assert.equal(seen, rows.filter((r) => r.join(',') !== '').length);
      }),
      { numRuns: 500 },
    );
  });
});

describe('fast paths: wide CSV files sampled by cells', () => {
  it('samples 256 rows up to 256 columns, then 65,536 cells, never under 32 rows', () => {
    assert.equal(defaultSampleRows(11), 256);
    assert.equal(defaultSampleRows(256), 256);
    assert.equal(defaultSampleRows(1001), 65);
    assert.equal(defaultSampleRows(100_000), 32);
  });

  for (const input of ['probs', 'logits'] as const) {
    it(`infers the same layout for a 600-class ${input} file as from 256 rows`, async () => {
      const K = 600;
      const lines = [['label', ...Array.from({ length: K }, (_, k) => `${input === 'probs' ? 'p' : 'z'}_${k}`)].join(',')];
      let x = 7;
      for (let i = 0; i < 300; i++) {
        const z = Array.from({ length: K }, () => ((x = (x * 16807) % 2147483647) / 2147483647) * 6 - 3);
        const max = Math.max(...z);
        const e = z.map((v) => Math.exp(v - max));
        const sum = e.reduce((a, b) => a + b, 0);
        const row = input === 'probs' ? e.map((v) => (v / sum).toPrecision(9)) : z.map((v) => v.toFixed(5));
        lines.push([String(i % K), ...row].join(','));
      }
      const text = lines.join('\n') + '\n';
      const wide = await readLayout(bytesSource('wide.csv', text));
      const full = await readLayout(bytesSource('wide.csv', text), { sampleRows: 256 });
      assert.ok(wide.ok && full.ok);
      // Only the evidence differs: it counts the rows it saw.
      const { evidence: we, ...w } = wide.layout!;
      const { evidence: fe, ...f } = full.layout!;
      assert.deepEqual(w, f);
      assert.equal(we.length, fe.length);
      assert.equal(wide.layout!.input, input);
      assert.equal(wide.layout!.numClasses, K);
    });
  }
});

describe('fast paths: layout inference evaluates no row', () => {
  const text = 'label,p_0,p_1,p_2\n' + Array.from({ length: 400 }, (_, i) => `${i % 3},0.2,0.3,0.5`).join('\n') + '\n';
  it('decides the layout a full read decides, stopping after the sample without delivering a row', async () => {
    const head = await readLayout(bytesSource('p.csv', text));
    const full = await readLayout(bytesSource('p.csv', text), { layoutOnly: false });
    assert.ok(head.ok && full.ok);
    assert.deepEqual(head.layout, full.layout);
    assert.equal(head.rows, 0);
    assert.equal(full.rows, 256);
    assert.ok(head.bytesRead <= full.bytesRead);
  });
  it('still rejects a label column that the header lacks', async () => {
    const head = await readLayout(bytesSource('p.csv', text), { overrides: { labelColumn: 'target' } });
    assert.equal(head.ok, false);
    assert.match(head.problems[0]!.message, /target/);
  });
});

describe('fast paths: plain binary kernel', () => {
  it('gives binaryLoss\'s loss, probability and entropy bit for bit, under every preset', () => {
    const x = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: -800, max: 800, noNaN: true }), fc.constantFrom(0, 1, 1e-300, 1 - 1e-16));
    const y = fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true }));
    fc.assert(
      fc.property(x, y, fc.constantFrom('probs', 'logits'), fc.constantFrom(...PRESET_NAMES), (xv, yv, input, preset) => {
        if (input === 'probs' && !(xv >= 0 && xv <= 1)) return;
        const r = resolveOptions({ ...DEFAULT_OPTIONS, kind: 'bce', input, preset }, 1);
        assert.ok(r.plainBinary);
        const a = new Float64Array(1);
        const b = new Float64Array(1);
        const sa = new Scratch(0, 1);
        const sb = new Scratch(0, 1);
        const la = binaryLoss(xv, yv, 0, r, a, sa, false);
        const lb = plainBinaryLoss(xv, yv, 0, r, b, sb);
        assert.ok(Object.is(la, lb), `loss ${la} vs ${lb}`);
        assert.ok(Object.is(a[0], b[0]));
        assert.ok(Object.is(sa.entropy, sb.entropy), `entropy ${sa.entropy} vs ${sb.entropy}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('is used only without smoothing, weights and focal loss', () => {
    const base = { ...DEFAULT_OPTIONS, kind: 'bce' as const };
    assert.ok(resolveOptions(base, 1).plainBinary);
    assert.ok(!resolveOptions({ ...base, labelSmoothing: 0.1 }, 1).plainBinary);
    assert.ok(!resolveOptions({ ...base, classWeights: [1, 2] }, 1).plainBinary);
    assert.ok(!resolveOptions({ ...base, posWeight: 3 }, 1).plainBinary);
    assert.ok(!resolveOptions({ ...base, focalGamma: 2 }, 1).plainBinary);
  });
});
