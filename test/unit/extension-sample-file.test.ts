import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile } from '../../src/node/analyze-file';
import { fileSource } from '../../src/node/file-source';
import { estimateFile, sampleRanges, stitchedSource } from '../../src/node/sample-file';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';
import { rng } from '../../scripts/lib/rng.mjs';


/**
 * 3 classes, rows sorted by class and getting harder down the file (as a data loader sorted by
 * class and difficulty would write them): a head-only sample would be far off, an evenly spaced
 * one is not. Rows have different lengths (an id of varying width), so ranges land mid-row.
 */
function writeSortedFile(path: string, rows: number): void {
  const rand = rng(42);
  const lines = ['id,label,p_0,p_1,p_2'];
  for (let i = 0; i < rows; i++) {
    const label = Math.floor((3 * i) / rows);
    const hardness = i / rows;
    const z = [0, 1, 2].map((k) => (rand() - 0.5) * 2 + (k === label ? 3 - 2.5 * hardness : 0));
    const e = z.map(Math.exp);
    const s = e.reduce((a, b) => a + b, 0);
    lines.push([`row-${'x'.repeat(Math.floor(rand() * 12))}${i}`, label, ...e.map((v) => (v / s).toFixed(6))].join(','));
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

/** Classic log loss of the rows that start inside the ranges, straight from the text (an independent reference). */
function referenceMean(text: string, ranges: { start: number; end: number }[]): { mean: number; rows: number } {
  const bytes = Buffer.from(text);
  let sum = 0;
  let rows = 0;
  let at = bytes.indexOf(10) + 1; // past the header
  while (at < bytes.length) {
    const end = bytes.indexOf(10, at);
    if (ranges.some((r) => at >= r.start && at < r.end)) {
      const f = bytes.subarray(at, end).toString().split(',');
      const p = Number(f[2 + Number(f[1])]);
      sum += -Math.log(Math.min(Math.max(p, 1e-15), 1 - 1e-15));
      rows++;
    }
    at = end + 1;
  }
  return { mean: sum / rows, rows };
}

describe('sampled estimate of a large file (src/node/sample-file.ts)', function () {
  this.timeout(20_000);
  let dir: string;
  let path: string;
  let text: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'll-sample-'));
    path = join(dir, 'sorted.csv');
    writeSortedFile(path, 40_000);
    text = readFileSync(path, 'latin1');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('plans evenly spaced, disjoint ranges, each centred in its share of the file and starting at a line start', async () => {
    const source = await fileSource(path);
    const size = source.size as number;
    const ranges = await sampleRanges(source, size, 12, 8 * 1024);
    assert.ok(ranges);
    assert.equal(ranges.length, 12);
    ranges.forEach((r, i) => {
      assert.equal(text[r.start - 1], '\n', `range ${i} starts mid-line at ${r.start}`);
      // At the first line start at or after the point that centres it in its share: at most a row on.
      const centred = Math.floor((size * (2 * i + 1)) / 24 - 4096);
      assert.ok(r.start >= centred && r.start - centred < 64, `range ${i} starts at ${r.start}, centred at ${centred}`);
      assert.ok(r.end > r.start && r.end - r.start <= 8 * 1024);
      const next = ranges[i + 1];
      if (next) assert.ok(r.end <= next.start);
    });
  });

  it('leaves a file too small to be worth sampling alone', async () => {
    const source = await fileSource(path);
    assert.equal(await sampleRanges(source, source.size as number, 16, 256 * 1024), undefined);
  });

  it('estimates the mean from the sampled rows (exactly their mean) and lands near the full pass', async () => {
    const request = requestFor(DEFAULT_CONFIG, {});
    const estimate = await estimateFile(path, request, { count: 16, bytes: 6 * 1024 });
    assert.ok(estimate);
    const full = await analyzeFile(path, request, { threads: 1 });
    const ref = referenceMean(text, estimate.ranges);
    // The estimate is what it says: the mean over exactly the rows it sampled...
    assert.equal(estimate.sampledRows, ref.rows);
    assert.equal(estimate.analysis.breakdown.count, ref.rows);
    assert.ok(Math.abs(estimate.analysis.breakdown.mean - ref.mean) < 1e-12, `${estimate.analysis.breakdown.mean} vs ${ref.mean}`);
    // ...a small share of the file...
    assert.ok(estimate.sampledRows < full.breakdown.count / 5, `${estimate.sampledRows} of ${full.breakdown.count} rows`);
    assert.equal(estimate.totalBytes, Buffer.byteLength(text));
    // ...close to the full mean, where the head alone (the first range's rows) is far off.
    const rel = Math.abs(estimate.analysis.breakdown.mean - full.breakdown.mean) / full.breakdown.mean;
    assert.ok(rel < 0.05, `estimate ${estimate.analysis.breakdown.mean}, full ${full.breakdown.mean}`);
    const head = referenceMean(text, [{ start: 0, end: estimate.ranges[0]?.end ?? 0 }]);
    assert.ok(Math.abs(head.mean - full.breakdown.mean) / full.breakdown.mean > 0.3, `head ${head.mean}, full ${full.breakdown.mean}`);
  });

  it('reads all the ranges in one pass over whole lines, stitched together (also JSONL, which has no header)', async () => {
    const request = requestFor(DEFAULT_CONFIG, {});
    const jsonl = join(dir, 'sorted.jsonl');
    const rows = text.trim().split('\n').slice(1).map((l) => l.split(','));
    writeFileSync(jsonl, rows.map((f) => JSON.stringify({ id: f[0], label: Number(f[1]), probs: f.slice(2).map(Number) })).join('\n') + '\n');
    const source = await fileSource(jsonl);
    const size = source.size as number;
    const ranges = await sampleRanges(source, size, 16, 6 * 1024);
    assert.ok(ranges);
    const stitched = await stitchedSource(source, size, ranges);
    const parts: Buffer[] = [];
    for await (const c of stitched.chunks()) parts.push(Buffer.from(c));
    const content = Buffer.concat(parts).toString('latin1');
    const lines = content.split('\n');
    // A leading newline, then nothing but whole lines of the file, in file order.
    assert.equal(content[0], '\n');
    assert.equal(content.at(-1), '\n');
    const fileLines = readFileSync(jsonl, 'latin1').split('\n');
    let last = -1;
    for (const line of lines.slice(1, -1)) {
      const i = fileLines.indexOf(line, last + 1);
      assert.ok(i > last, `not a line of the file, or out of order: ${line.slice(0, 60)}`);
      last = i;
    }
    assert.equal(stitched.size, Buffer.byteLength(content, 'latin1'));
    const estimate = await estimateFile(jsonl, request, { count: 16, bytes: 6 * 1024 });
    assert.ok(estimate);
    assert.equal(estimate.sampledRows, lines.length - 2);
    const expected = lines.slice(1, -1).map((l) => JSON.parse(l) as { label: number; probs: number[] }).map((r) => -Math.log(Math.min(Math.max(r.probs[r.label] as number, 1e-15), 1 - 1e-15)));
    const mean = expected.reduce((a, b) => a + b, 0) / expected.length;
    assert.ok(Math.abs(estimate.analysis.breakdown.mean - mean) < 1e-12, `${estimate.analysis.breakdown.mean} vs ${mean}`);
  });

  it('gives no estimate for what cannot be read by byte ranges: a JSON document, gzip', async () => {
    const request = requestFor(DEFAULT_CONFIG, {});
    const json = join(dir, 'big.json');
    const rows = text.trim().split('\n').slice(1).map((l) => l.split(','));
    writeFileSync(json, JSON.stringify(rows.map((f) => ({ label: Number(f[1]), probs: f.slice(2).map(Number) }))));
    assert.equal(await estimateFile(json, request, { count: 16, bytes: 6 * 1024 }), undefined);
    const { gzipSync } = await import('node:zlib');
    const gz = join(dir, 'sorted.csv.gz');
    writeFileSync(gz, gzipSync(readFileSync(path)));
    assert.equal(await estimateFile(gz, request, { count: 16, bytes: 6 * 1024 }), undefined);
  });
});
