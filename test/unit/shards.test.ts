/**
 * Shards (issue 13): several files read as one data set, and state files merged into the report of
 * one read. Every data set here is written by the test (JSONL, gzipped JSONL, CSV, .npz) beside
 * the same rows in one concatenated file, whose one-pass report is the reference.
 * The CLI cases run the bundled dist/cli.js and dist/worker.js (`node scripts/build.mjs`).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { crc32, gzipSync } from 'node:zlib';
import { analyze, type AnalysisRequest } from '../../src/core/analyze';
import { MIN_SPLIT_BYTES, type Layout } from '../../src/core/parse';
import { layoutDifference, naturalCompare, setName } from '../../src/core/shards';
import { analyzeShards } from '../../src/node/analyze-shards';
import { shardEntries } from '../../src/node/shard-args';
import { fileSource } from '../../src/node/file-source';

const CLI = 'dist/cli.js';
const workerScript = resolve('dist/worker.js');

function cli(...args: string[]) {
  assert.ok(existsSync(CLI), `${CLI} is missing: run node scripts/build.mjs`);
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cliJson(...args: string[]) {
  const r = cli(...args, '--json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Rows of 3-class logits from a fixed recurrence, six decimals (the text files hold them exactly as written). */
function makeRows(n: number, seed: number): { y: number; z: number[] }[] {
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  return Array.from({ length: n }, () => ({ y: Math.floor(next() * 3), z: [0, 1, 2].map(() => Number((next() * 8 - 4).toFixed(6))) }));
}

const jsonl = (rows: { y: number; z: number[] }[]) => rows.map((r) => `{"label": ${r.y}, "logits": [${r.z.join(', ')}]}\n`).join('');
const csv = (rows: { y: number; z: number[] }[]) => 'label,logit_0,logit_1,logit_2\n' + rows.map((r) => `${r.y},${r.z.join(',')}\n`).join('');

/** A .npy file (format 1.0): a little-endian float32 (N, K) or int64 (N,) array. */
function npy(data: Float32Array | BigInt64Array, shape: number[]): Buffer {
  const descr = data instanceof Float32Array ? '<f4' : '<i8';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** A stored (uncompressed) zip of the members, as np.savez writes it. */
function zip(members: Record<string, Buffer>): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(members)) {
    const n = Buffer.from(name);
    const crc = crc32(data);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt32LE(crc, 14);
    h.writeUInt32LE(data.length, 18);
    h.writeUInt32LE(data.length, 22);
    h.writeUInt16LE(n.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(data.length, 24);
    c.writeUInt16LE(n.length, 28);
    c.writeUInt32LE(offset, 42);
    local.push(h, n, data);
    central.push(c, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length / 2, 8);
  end.writeUInt16LE(central.length / 2, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, cd, end]);
}

function npz(rows: { y: number; z: number[] }[]): Buffer {
  return zip({
    'logits.npy': npy(Float32Array.from(rows.flatMap((r) => r.z)), [rows.length, 3]),
    'labels.npy': npy(BigInt64Array.from(rows.map((r) => BigInt(r.y))), [rows.length]),
  });
}

/** Numbers equal to a relative 1e-12 (sums merged in another grouping), everything else exactly. */
function assertClose(actual: unknown, expected: unknown, path = 'report'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Object.is(actual, expected)) return;
    assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(Math.abs(expected), 1e-300), `${path}: ${actual} vs ${expected}`);
    return;
  }
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null) {
    assert.deepEqual(actual, expected, path);
    return;
  }
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${path}: keys`);
  for (const k of Object.keys(expected)) assertClose((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${path}.${k}`);
}

/** Per-class and calibration figures of a --json report; the mean to 1e-12, counts exactly. */
function assertSameNumbers(shards: ReportJson, one: ReportJson): void {
  assert.equal(shards.count, one.count);
  assert.equal(shards.rows, one.rows);
  assert.ok(Math.abs(shards.mean - one.mean) <= 1e-12 * one.mean, `mean ${shards.mean} vs ${one.mean}`);
  assertClose(shards.perClass, one.perClass, 'perClass');
  assertClose(shards.calibration, one.calibration, 'calibration');
  assert.deepEqual(shards.confusion, one.confusion);
  assert.deepEqual(shards.histogram, one.histogram);
  assert.deepEqual(shards.worst.map((w) => w.loss), one.worst.map((w) => w.loss));
}

interface WorstJson {
  row: number;
  line: number;
  loss: number;
  file?: string;
}
interface ReportJson {
  file: string;
  files?: { name: string; format: string; rows: number; skipped: number }[];
  count: number;
  rows: number;
  mean: number;
  perClass: unknown;
  calibration: unknown;
  confusion: number[][];
  histogram: unknown;
  worst: WorstJson[];
  warnings: { file?: string; line: number; column: number | null; message: string }[];
  layout: { evidence: string[] };
}

/** Each worst sample of the shards is the concatenated file's: its file and own row, the line `lineOf(row)`. */
function assertWorstNamed(shards: ReportJson, one: ReportJson, names: string[], rows: number[], lineOf: (row: number) => number): void {
  const starts = rows.map((_, i) => rows.slice(0, i).reduce((a, b) => a + b, 0));
  assert.equal(shards.worst.length, one.worst.length);
  shards.worst.forEach((w, i) => {
    const at = names.indexOf(w.file ?? '');
    assert.ok(at >= 0, `worst ${i}: file ${w.file}`);
    assert.equal(starts[at]! + w.row, one.worst[i]!.row, `worst ${i}: row`);
    assert.equal(w.line, lineOf(w.row), `worst ${i}: line`);
  });
}

const request: AnalysisRequest = {
  loss: { preset: 'classic', labelSmoothing: 0, reduction: 'mean', base: 'e' },
  overrides: {},
  skipInvalid: false,
  topK: 10,
  calibrationBins: 15,
};

describe('shards: several files read as one data set', function () {
  this.timeout(60_000);
  const root = mkdtempSync(join(tmpdir(), 'll-shards-'));
  const sizes = [700, 1100, 900];
  const parts = sizes.map((n, i) => makeRows(n, 1000 + i));
  // The worst sample of all, planted on line 7 of the third shard: 20 on class 0, the truth class 1.
  parts[2]![6] = { y: 1, z: [20, -20, 0] };
  const all = parts.flat();

  it('JSONL shards (one gzipped), a folder: the mean, counts and per-class figures of one concatenated file; worst samples name their file and line', () => {
    const dir = join(root, 'jsonl');
    mkdirSync(dir);
    writeFileSync(join(dir, 'preds_rank0.jsonl'), jsonl(parts[0]!));
    writeFileSync(join(dir, 'preds_rank1.jsonl.gz'), gzipSync(jsonl(parts[1]!)));
    writeFileSync(join(dir, 'preds_rank2.jsonl'), jsonl(parts[2]!));
    writeFileSync(join(root, 'all.jsonl'), jsonl(all));
    const shards: ReportJson = cliJson(dir);
    const one: ReportJson = cliJson(join(root, 'all.jsonl'));
    assertSameNumbers(shards, one);
    const names = ['preds_rank0.jsonl', 'preds_rank1.jsonl.gz', 'preds_rank2.jsonl'].map((n) => join(dir, n));
    assert.deepEqual(shards.files, names.map((name, i) => ({ name, format: 'jsonl', rows: sizes[i], skipped: 0 })));
    assert.equal(shards.file, `3 files in ${dir}/`);
    assert.deepEqual({ file: shards.worst[0]!.file, row: shards.worst[0]!.row, line: shards.worst[0]!.line }, { file: names[2], row: 6, line: 7 });
    assertWorstNamed(shards, one, names, sizes, (row) => row + 1);
    assert.match(shards.layout.evidence.at(-1)!, /^3 files read as one data set/);
    // The text report lists the files with their rows, and names each worst sample's file.
    const text = cli(dir).stdout;
    assert.match(text, /^Loss Lens: 3 files in .*\/jsonl\/ \(JSONL, 2,700 rows\)$/m);
    assert.match(text, /^ {2}preds_rank1\.jsonl\.gz +1,100$/m);
    assert.match(text, /^ {2}1 +preds_rank2\.jsonl +6 +7 +40\.0000 /m);
  });

  it('CSV shards by a quoted glob, in natural order (rank2 before rank10); a .npz glob: the mean of the one .npz', () => {
    const dir = join(root, 'csv');
    mkdirSync(dir);
    const names = ['shard_2.csv', 'shard_10.csv', 'shard_33.csv'].map((n) => join(dir, n));
    names.forEach((n, i) => writeFileSync(n, csv(parts[i]!)));
    writeFileSync(join(root, 'all.csv'), csv(all));
    const shards: ReportJson = cliJson(join(dir, 'shard_*.csv'));
    const one: ReportJson = cliJson(join(root, 'all.csv'));
    assertSameNumbers(shards, one);
    assert.deepEqual(shards.files?.map((f) => f.name), names);
    assertWorstNamed(shards, one, names, sizes, (row) => row + 2);

    const npzDir = join(root, 'npz');
    mkdirSync(npzDir);
    const npzNames = ['shard_0.npz', 'shard_1.npz', 'shard_2.npz'].map((n) => join(npzDir, n));
    npzNames.forEach((n, i) => writeFileSync(n, npz(parts[i]!)));
    writeFileSync(join(root, 'all.npz'), npz(all));
    const bin: ReportJson = cliJson(join(npzDir, '*.npz'));
    const binOne: ReportJson = cliJson(join(root, 'all.npz'));
    assertSameNumbers(bin, binOne);
    assert.deepEqual(bin.files?.map((f) => [f.name, f.format, f.rows]), npzNames.map((n, i) => [n, 'npz', sizes[i]]));
    assertWorstNamed(bin, binOne, npzNames, sizes, (row) => row + 1);
    assert.deepEqual([bin.worst[0]!.file, bin.worst[0]!.row], [npzNames[2], 6]);
    // Rows, not lines, in the text report of binary files.
    assert.match(cli(join(npzDir, '*.npz')).stdout, /^ {2}rank +file +row +loss /m);
  });

  it('two threads share the units, a large file split in pieces among them: one pass over the concatenated file', async () => {
    const dir = join(root, 'threads');
    mkdirSync(dir);
    // Over the split size: the big file alone is read in pieces by both threads.
    const big = makeRows(Math.ceil((MIN_SPLIT_BYTES + 300_000) / 34), 7);
    const sets = [parts[0]!, big, parts[1]!];
    const names = ['a.csv', 'b.csv', 'c.csv'].map((n) => join(dir, n));
    names.forEach((n, i) => writeFileSync(n, csv(sets[i]!)));
    writeFileSync(join(dir, 'all.txt'), csv(sets.flat()));
    const { analysis, part } = await analyzeShards(await shardEntries([join(dir, '*.csv')]), request, { threads: 2, workerScript });
    const one = await analyze(await fileSource(join(dir, 'all.txt')), request);
    assert.ok(analysis.files!.length === 3 && part.files[1]!.rows === big.length && big.length > 200_000);
    assert.equal(analysis.breakdown.count, one.breakdown.count);
    assert.ok(Math.abs(analysis.value - one.value) <= 1e-12 * one.value, `${analysis.value} vs ${one.value}`);
    assert.deepEqual(analysis.breakdown.confusion, one.breakdown.confusion);
    assert.deepEqual(analysis.breakdown.histogram, one.breakdown.histogram);
    assert.deepEqual(analysis.breakdown.calibration.bins.map((b) => b.count), one.breakdown.calibration.bins.map((b) => b.count));
    const starts = [0, sets[0]!.length, sets[0]!.length + big.length];
    analysis.breakdown.worst.forEach((w, i) => {
      const o = one.breakdown.worst[i]!;
      const at = names.indexOf(w.file!);
      assert.deepEqual([starts[at]! + w.row, w.loss], [o.row, o.loss]);
      // A header line in each file and in the concatenated one.
      assert.deepEqual([w.line, o.line], [w.row + 2, o.row + 2]);
    });
    // And the same read on this thread alone.
    const alone = await analyzeShards(await shardEntries(names), request, { threads: 1 });
    assert.deepEqual(alone.analysis.breakdown.worst, analysis.breakdown.worst);
    assert.deepEqual(alone.analysis.breakdown.confusion, analysis.breakdown.confusion);
    assert.ok(Math.abs(alone.analysis.value - analysis.value) <= 1e-12 * analysis.value);
  });

  it('a shard of another layout is refused, naming it and how it differs', () => {
    const dir = join(root, 'layouts');
    mkdirSync(dir);
    writeFileSync(join(dir, 'part-0.csv'), csv(parts[0]!));
    writeFileSync(join(dir, 'part-1.csv'), 'label,logit_0,logit_1,logit_2,logit_3\n' + parts[1]!.map((r, i) => `${(r.y + i) % 4},${r.z.join(',')},${-r.z[0]!}\n`).join(''));
    writeFileSync(join(dir, 'part-2.csv'), csv(parts[2]!));
    const r = cli(dir);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr.trim(),
      `loss-lens: ${join(dir, 'part-1.csv')}: its layout differs from that of ${join(dir, 'part-0.csv')} (class names ["0", "1", "2"] vs ["0", "1", "2", "3"]; prediction columns ["logit_0", "logit_1", "logit_2"] vs ["logit_0", "logit_1", "logit_2", "logit_3"]): the files of one data set must share one layout (give the others apart, or pin the layout with --label-column, --pred-columns, --class-names, --loss, --input)`,
    );
    // Probabilities in one shard, logits in the others.
    writeFileSync(join(dir, 'part-1.csv'), 'label,p_0,p_1,p_2\n0,0.7,0.2,0.1\n2,0.1,0.1,0.8\n');
    assert.match(cli(dir).stderr, /part-1\.csv: its layout differs from that of .*part-0\.csv \(input logits vs probs; prediction columns \["logit_0", "logit_1", "logit_2"\] vs \["p_0", "p_1", "p_2"\]\)/);
  });

  it('problems are said at their file, line and column; with --skip-invalid the report counts the rows skipped per file', () => {
    const dir = join(root, 'problems');
    mkdirSync(dir);
    writeFileSync(join(dir, 'part-0.csv'), csv(parts[0]!));
    const text = csv(parts[1]!).split('\n');
    text[3] = '1,abc,0.5,0.1';
    writeFileSync(join(dir, 'part-1.csv'), text.join('\n'));
    const r = cli(dir);
    assert.equal(r.code, 1);
    assert.deepEqual(r.stderr.trim().split('\n'), [
      `${join(dir, 'part-1.csv')}:4:3: expected a number, found "abc"`,
      'loss-lens: 1 row could not be read: fix it, or leave it out of the loss with --skip-invalid (the report then counts the rows skipped)',
    ]);
    const j: ReportJson = cliJson(dir, '--skip-invalid');
    assert.deepEqual(j.files?.map((f) => [f.rows, f.skipped]), [[700, 0], [1100, 1]]);
    assert.deepEqual(j.warnings, [{ file: join(dir, 'part-1.csv'), line: 4, column: 3, message: 'expected a number, found "abc" (row skipped)' }]);
    assert.equal(j.count, 1799);
  });

  it('names: natural order, the name of a set, what differs between layouts', () => {
    assert.deepEqual(['r10', 'r2', 'r1', 'R3'].sort(naturalCompare), ['r1', 'r2', 'R3', 'r10']);
    assert.equal(setName(['a/b/x.csv', 'a/b/y.csv']), '2 files in a/b/');
    assert.equal(setName(['a/b/x.csv', 'a/c/y.csv']), '2 files in a/');
    assert.equal(setName(['x.csv', 'y.csv']), '2 files');
    assert.equal(setName(['a/x.csv']), 'a/x.csv');
    const base = { kind: 'ce', input: 'logits', classNames: ['a', 'b'], labelColumn: 'y', predictionColumns: ['za', 'zb'] } as Layout;
    assert.equal(layoutDifference(base, { ...base, format: 'jsonl', delimiter: ',' }), undefined);
    assert.equal(layoutDifference(base, { ...base, classNames: ['a', 'c'] }), 'class names ["a", "b"] vs ["a", "c"]');
    const many = (c: string) => Array.from({ length: 10 }, (_, i) => (i === 7 ? c : `k${i}`));
    assert.equal(layoutDifference({ ...base, classNames: many('x') }, { ...base, classNames: many('y') }), 'class names "x" vs "y" at position 8 of 10');
    assert.equal(layoutDifference(base, { ...base, kind: 'bce', labelColumn: 'label' }), 'loss ce vs bce; label column "y" vs "label"');
  });
});

describe('state files: shards read apart, merged', function () {
  this.timeout(60_000);
  const root = mkdtempSync(join(tmpdir(), 'll-states-'));
  const sizes = [800, 600, 1000];
  const parts = sizes.map((n, i) => makeRows(n, 77 + i));
  const shards = sizes.map((_, i) => join(root, `rank${i}.jsonl`));
  const states = sizes.map((_, i) => join(root, `part-${i}.json`));
  before(() => {
    shards.forEach((s, i) => writeFileSync(s, jsonl(parts[i]!)));
    writeFileSync(join(root, 'all.jsonl'), jsonl(parts.flat()));
    shards.forEach((s, i) => assert.equal(cli(s, '--state-out', states[i]!, '--top', '15').code, 0));
  });

  it('merge gives the report of one read of all the shards (given in any order), and of the one concatenated file', () => {
    const once: ReportJson = cliJson(join(root, 'rank*.jsonl'), '--top', '15');
    const merged: ReportJson = cliJson('merge', states[2]!, states[0]!, states[1]!);
    assertClose(merged, once);
    const concatenated: ReportJson = cliJson(join(root, 'all.jsonl'), '--top', '15');
    assertSameNumbers(merged, concatenated);
    assertWorstNamed(merged, concatenated, shards, sizes, (row) => row + 1);
    assert.equal(merged.worst.length, 15);
    // The text report too, to the digit.
    assert.equal(cli('merge', join(root, 'part-*.json')).stdout, cli(join(root, 'rank*.jsonl'), '--top', '15').stdout);
  });

  it('a state of states: merge --state-out, merged again', () => {
    const ab = join(root, 'ab.json');
    assert.equal(cli('merge', states[0]!, states[1]!, '--state-out', ab).code, 0);
    assertClose(cliJson('merge', ab, states[2]!), cliJson('merge', ...states));
    // A state file is JSON with its version, its writer, the options and the files' rows.
    const s = JSON.parse(readFileSync(ab, 'utf8'));
    assert.deepEqual([s.format, s.version, s.request.topK, s.part.files.map((f: { rows: number }) => f.rows)], ['loss-lens.state', 1, 15, [800, 600]]);
  });

  it('states of another version, other options or another layout are refused, naming the two files and the difference', () => {
    const other = (name: string, edit: (s: Record<string, unknown>) => void) => {
      const s = JSON.parse(readFileSync(states[1]!, 'utf8'));
      edit(s);
      const path = join(root, name);
      writeFileSync(path, JSON.stringify(s));
      return path;
    };
    const refuse = (args: string[], message: RegExp) => {
      const r = cli('merge', ...args);
      assert.equal(r.code, 1, r.stdout);
      assert.equal(r.stdout, '');
      assert.match(r.stderr.trim(), message);
    };
    refuse([states[0]!, other('v2.json', (s) => (s.version = 2))], /^loss-lens merge: .*v2\.json: a state file of version 2, which this Loss Lens \(0\.1\.0, version 1\) does not merge: write it again with this one$/);
    refuse([states[0]!, other('writer.json', (s) => (s.lossLens = '0.0.9'))], /writer\.json: written by Loss Lens 0\.0\.9, not this one \(0\.1\.0\)/);
    const pytorch = join(root, 'pytorch.json');
    assert.equal(cli(shards[1]!, '--state-out', pytorch, '--top', '15', '--preset', 'pytorch', '--label-smoothing', '0.1').code, 0);
    refuse([states[0]!, pytorch], new RegExp(`^loss-lens merge: ${states[0]} and ${pytorch} were made with different options \\(--preset classic vs pytorch; --label-smoothing 0 vs 0\\.1\\): make every state with the same options$`));
    const top = join(root, 'top.json');
    assert.equal(cli(shards[1]!, '--state-out', top).code, 0);
    refuse([states[0]!, top], /were made with different options \(--top 15 vs 10\)/);
    refuse([states[0]!, other('classes.json', (s) => ((s.part as { layout: { classNames: string[] } }).layout.classNames = ['cat', 'dog', 'bird']))], /part-0\.json and .*classes\.json hold files of different layouts \(class names \["0", "1", "2"\] vs \["cat", "dog", "bird"\]\): only the shards of one data set merge/);
    refuse([states[0]!, join(root, 'ab.json')], /rank0\.jsonl is in both .*part-0\.json and .*ab\.json: each file may be merged once/);
    refuse([join(root, 'rank0.jsonl')], /rank0\.jsonl: not a Loss Lens state file/);
    refuse([join(root, 'nothing-*.json')], /nothing-\*\.json: no file matches this pattern/);
  });

  it('the state of one file, alone, is that file: merge prints its own report', () => {
    const single = cli(shards[0]!, '--top', '15', '--json');
    assertClose(cliJson('merge', states[0]!), JSON.parse(single.stdout));
  });
});
