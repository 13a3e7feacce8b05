import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { bytesSource } from '../../src/core/parse/memory-source';
import { readLayout, splitRanges } from '../../src/core/parse/read';
import { fileSource, withFileSource } from '../../src/node/file-source';
import { readAll } from './parse-helpers';

const fixture = (name: string): string => join('test/fixtures/parse', name);

describe('fileSource (Node)', () => {
  it('reads at a position (readInto) while its descriptor is kept, and in memory; short at the end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-readinto-'));
    const path = join(dir, 'bytes.bin');
    const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 255);
    writeFileSync(path, data);
    const check = async (readInto: ((into: Uint8Array, position: number) => Promise<number>) | undefined) => {
      assert.ok(readInto);
      const into = new Uint8Array(300);
      assert.equal(await readInto(into, 500), 300);
      assert.deepEqual(into, data.subarray(500, 800));
      assert.equal(await readInto(into, 900), 100);
      assert.deepEqual(into.subarray(0, 100), data.subarray(900));
      assert.equal(await readInto(into, 1000), 0);
    };
    await withFileSource(path, 'bytes.bin', (source) => check(source.readInto));
    await check(bytesSource('bytes', data).readInto);
    // Without a kept descriptor there is nothing to read at: the streams serve instead.
    assert.equal((await fileSource(path)).readInto, undefined);
  });

  it('reads gzip files (detected by magic bytes) exactly as their plain versions', async () => {
    for (const [gz, plain] of [
      ['nested_eval.json.gz', 'nested_eval.json'],
      ['crlf_quoted.csv.gz', 'crlf_quoted.csv'],
    ] as const) {
      const a = await readAll(await fileSource(fixture(gz)), {}, 'id');
      const b = await readAll(await fileSource(fixture(plain)), {}, 'id');
      assert.equal(a.result.ok, true, a.messages.join('\n'));
      assert.ok(a.rows.length > 0);
      assert.deepEqual(a.rows, b.rows);
      assert.deepEqual(a.result.layout, b.result.layout);
    }
  });

  it('reads the nested columnar fixture with its label names', async () => {
    const { result, rows } = await readAll(await fileSource(fixture('nested_eval.json')));
    assert.deepEqual(result.layout.classNames, ['negative', 'neutral', 'positive']);
    assert.equal(result.layout.input, 'logits');
    assert.deepEqual(rows.map((r) => [r.target, r.line]), [[2, 5], [0, 6], [1, 7], [1, 8]]);
  });

  it('reads a gzip JSONL file whatever its name says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-parse-'));
    const path = join(dir, 'predictions.jsonl');
    writeFileSync(path, readFileSync(fixture('hf_head.jsonl.gz')));
    const src = await fileSource(path);
    assert.equal(src.gzip, true);
    const { result, rows } = await readAll(src);
    const ref = gunzipSync(readFileSync(fixture('hf_head.jsonl.gz'))).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(result.ok, true);
    assert.deepEqual(rows.map((r) => [r.target, r.prediction]), ref.map((x) => [x.label_ids, x.predictions]));
  });

  it('serves byte ranges of plain and gzip files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-parse-'));
    const text = 'label,p\n' + Array.from({ length: 5000 }, (_, i) => `${i % 2},${(i / 5000).toFixed(6)}`).join('\n') + '\n';
    writeFileSync(join(dir, 'a.csv'), text);
    writeFileSync(join(dir, 'a.csv.gz'), gzipSync(Buffer.from(text)));
    for (const name of ['a.csv', 'a.csv.gz']) {
      const src = await fileSource(join(dir, name));
      const parts: Uint8Array[] = [];
      for await (const c of src.chunks({ start: 1000, end: 30000 })) parts.push(c);
      assert.equal(Buffer.concat(parts).toString('utf8'), text.slice(1000, 30000), name);
    }
  });

  it('splits a file across ranges with the same rows and lines as one pass', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-parse-'));
    const path = join(dir, 'digits.csv');
    writeFileSync(path, readFileSync('samples/digits.csv'));
    const src = await fileSource(path);
    const one = await readAll(src);
    const layout = (await readLayout(src)).layout;
    const rows = [];
    let rowBase = 0;
    let lineBase = 0;
    for (const range of splitRanges(src.size!, 2)) {
      const part = await readAll(src, { layout, range });
      rows.push(...part.rows.map((r) => ({ ...r, row: r.row + rowBase, line: r.line + lineBase })));
      rowBase += part.result.rows;
      lineBase += part.result.newlines;
    }
    assert.deepEqual(rows, one.rows);
  });

  it('reports corrupt gzip data as a problem, not an exception', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-parse-'));
    const path = join(dir, 'bad.csv.gz');
    const gz = gzipSync(Buffer.from('label,p\n' + '1,0.5\n'.repeat(50000)));
    writeFileSync(path, gz.subarray(0, gz.length >> 1));
    const { result, messages } = await readAll(await fileSource(path));
    assert.equal(result.ok, false);
    assert.match(messages[messages.length - 1]!, /^.*bad\.csv\.gz: could not read the file: the gzip data is corrupt or truncated \(unexpected end of file\)$/);
  });

  it('reads in-memory sources the same as files', async () => {
    const bytes = readFileSync('samples/binary.csv');
    const a = await readAll(bytesSource('binary.csv', bytes, 999));
    const b = await readAll(await fileSource('samples/binary.csv', 'binary.csv'));
    assert.deepEqual(a.rows, b.rows);
  });
});
