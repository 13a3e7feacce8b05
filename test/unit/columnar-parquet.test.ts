/**
 * Parquet as columns (src/core/columnar/parquet.ts), on the files pandas and pyarrow wrote
 * (test/fixtures/binary, scripts/corpus/gen_binary.py) and on a few small files pyarrow 25.0.1
 * wrote for the cases the fixtures lack (kept here as base64: ragged and null lists, nulls, a
 * struct, v2 data pages). The expected values were read with pyarrow and written down: CI has no
 * Python.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { analyze, AnalysisError } from '../../src/core/analyze';
import { openParquet } from '../../src/core/columnar/parquet';
import { bytesSource } from '../../src/core/parse/memory-source';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';
import { DIR, embedded, fixture, memSource, readAll, rejects } from './columnar-helpers';

const P = Array.from({ length: 10 }, (_, k) => `p_${k}`);

// pyarrow 25.0.1: pq.write_table(..., compression='none', store_schema=False) of
// {'x': [[1, 2], [3, 4], [5], [6, 7]]} as list<float>, then {'x': [[1, 2], None, [5, 6]]}.
const RAGGED = [
    'UEFSMRUEFTgVOEwVDhUAEgAAAACAPwAAAEAAAEBAAACAQAAAoEAAAMBAAADgQBUAFSIVIiwVDhUQFQYVBhwYBAAA4EAYBAAAgD8W',
    'ACgEAADgQBgEAACAPxERAAAAAgAAAANKAgAAAA4DAwOIxhoVBBlMNQAYBnNjaGVtYRUCADUCGAF4FQIVBkw8AAAANQQYBGxpc3QV',
    'AgAVCCUCGAdlbGVtZW50ABYIGRwZHCYAHBUIGTUABhAZOAF4BGxpc3QHZWxlbWVudBUAFg4W1AEW1AEmXCYIHBgEAADgQBgEAACA',
    'PxYAKAQAAOBAGAQAAIA/EREAGSwVBBUAFQIAFQAVEBUCADwpJggGGUYAAAAOAAAAFtQBFggmCBbUAQAoIHBhcnF1ZXQtY3BwLWFy',
    'cm93IHZlcnNpb24gMjUuMC4xGRwcAAAA1gAAAFBBUjE=',
];
const NULL_ROW = [
    'UEFSMRUEFSAVIEwVCBUAEgAAAACAPwAAAEAAAKBAAADAQBUAFSIVIiwVChUQFQYVBhwYBAAAwEAYBAAAgD8WAigEAADAQBgEAACA',
    'PxERAAAAAgAAAAMSAwAAAAPPAwID5AAVBBlMNQAYBnNjaGVtYRUCADUCGAF4FQIVBkw8AAAANQQYBGxpc3QVAgAVCCUCGAdlbGVt',
    'ZW50ABYGGRwZHCYAHBUIGTUABhAZOAF4BGxpc3QHZWxlbWVudBUAFgoWvAEWvAEmRCYIHBgEAADAQBgEAACAPxYCKAQAAMBAGAQA',
    'AIA/EREAGSwVBBUAFQIAFQAVEBUCADwpJgYEGUYCAAAIAAAAFrwBFgYmCBa8AQAoIHBhcnF1ZXQtY3BwLWFycm93IHZlcnNpb24g',
    'MjUuMC4xGRwcAAAA1gAAAFBBUjE=',
];
// {'d': [0.5, 1.5, None, 3.5] double, 'f': [0.25, -1, 2, 8.5] float32, 's': ['cat', None, 'dog', 'cat'],
//  'b': [True, False, None, True], 'st': [{'a': 1}, ...] struct}, data_page_version='2.0', uncompressed.
const NULLS_V2 = [
    'UEFSMRUEFTAVMEwVBhUAEgAAAAAAAAAA4D8AAAAAAAD4PwAAAAAAAAxAFQYVDBUMXBUIFQIVCBUQFQQVABIcGAgAAAAAAAAMQBgI',
    'AAAAAAAA4D8WAigIAAAAAAAADEAYCAAAAAAAAOA/EREAAAADCwIDJAAVBBUgFSBMFQgVABIAAAAAgD4AAIC/AAAAQAAACEEVBhUM',
    'FQxcFQgVABUIFRAVBBUAEhwYBAAACEEYBAAAgL8WACgEAAAIQRgEAACAvxERAAAACAECA+QAFQQVHBUcTBUEFQASAAADAAAAY2F0',
    'AwAAAGRvZxUGFQoVClwVCBUCFQgVEBUEFQASHDYCKANkb2cYA2NhdBERAAAAAw0BAwIVBhUQFRBcFQgVAhUIFQYVBBUAEhwYAQEY',
    'AQAWAigBARgBABERAAAAAwsCAAAAAwUVBBVAFUBMFQgVABIAAAEAAAAAAAAAAgAAAAAAAAADAAAAAAAAAAQAAAAAAAAAFQYVDBUM',
    'XBUIFQAVCBUQFQQVABIcGAgEAAAAAAAAABgIAQAAAAAAAAAWACgIBAAAAAAAAAAYCAEAAAAAAAAAEREAAAAIAgID5AAVBBl8NQAY',
    'BnNjaGVtYRUKABUKJQIYAWQAFQglAhgBZgAVDCUCGAFzJQBMHAAAABUAJQIYAWIANQIYAnN0FQIAFQQlAhgBYQAWCBkcGVwmABwV',
    'Chk1AAYQGRgBZBUAFggW4AEW4AEmVCYIHBgIAAAAAAAADEAYCAAAAAAAAOA/FgIoCAAAAAAAAAxAGAgAAAAAAADgPxERABksFQQV',
    'ABUCABUAFRAVAgA8KQYZJgIGAAAAJgAcFQgZNQAGEBkYAWYVABYIFrABFrABJqQCJugBHBgEAAAIQRgEAACAvxYAKAQAAAhBGAQA',
    'AIC/EREAGSwVBBUAFQIAFQAVEBUCADwpBhkmAAgAAAAmABwVDBk1AAYQGRgBcxUAFggWjgEWjgEm0AMmmAMcNgIoA2RvZxgDY2F0',
    'EREAGSwVBBUAFQIAFQAVEBUCADwWEhkGGSYCBgAAACYAHBUAGRUGGRgBYhUAFggWYBZgJqYEPBgBARgBABYCKAEBGAEAEREAGRwV',
    'ABUGFQIAPCkGGSYCBgAAACYAHBUEGTUABhAZKAJzdAFhFQAWCBbwARbwASbiBSaGBRwYCAQAAAAAAAAAGAgBAAAAAAAAABYAKAgE',
    'AAAAAAAAABgIAQAAAAAAAAAREQAZLBUEFQAVAgAVABUQFQIAPCkGGTYAAAgAAAAW7gYWCCYIFu4GACggcGFycXVldC1jcHAtYXJy',
    'b3cgdmVyc2lvbiAyNS4wLjEZXBwAABwAABwAABwAABwAAAA3AgAAUEFSMQ==',
];

describe('Parquet columns (openParquet)', () => {
  it('reads pandas to_parquet: one snappy row group, OPTIONAL dictionary-encoded doubles and an int64 label', async () => {
    const file = await openParquet(fixture('probs_snappy.parquet'));
    assert.equal(file.description, 'Parquet (1 row group, snappy)');
    assert.equal(file.seekable, true);
    assert.deepEqual(file.columns.map((c) => c.name), [...P, 'label']);
    assert.deepEqual(file.columns[0], { name: 'p_0', dtype: 'double', kind: 'number', rows: 300, width: 1, vector: false, shape: [300], file: 'probs_snappy.parquet' });
    assert.deepEqual(file.columns[10], { name: 'label', dtype: 'int64', kind: 'number', rows: 300, width: 1, vector: false, shape: [300], file: 'probs_snappy.parquet' });
    const r = await readAll(file, ['p_0', 'p_6', 'label']);
    assert.deepEqual(r.blocks, [{ start: 0, size: 300, types: ['Float64Array', 'Float64Array', 'Float64Array'] }]);
    const p0 = r.values.get('p_0')!;
    assert.equal(p0[0], 0.013374828814456443);
    assert.equal(p0[299], 0.0020273548954463792);
    assert.equal(r.values.get('p_6')![150], 0.927854422035666);
    const label = r.values.get('label')!;
    assert.deepEqual([label[0], label[150], label[299]], [3, 6, 8]);
    assert.equal((label as number[]).reduce((a, b) => a + b, 0), 1345);
  });

  it('reads zstd row groups, a range starting inside one, and exact blocks across row groups', async () => {
    const file = await openParquet(fixture('probs_zstd_rowgroups.parquet', { chunk: 1000 }));
    assert.equal(file.description, 'Parquet (3 row groups, zstd)');
    // Rows 98..102 span the first two row groups of 100.
    const r = await readAll(file, ['p_3', 'label'], { start: 98, end: 103 });
    assert.deepEqual(r.values.get('p_3'), [0.019112693673340262, 0.0072164274935205865, 0.19388795464201822, 0.0961183716613041, 0.0038182626762943233]);
    assert.deepEqual(r.values.get('label'), [9, 7, 9, 7, 6]);
    assert.equal(r.blocks[0]!.start, 98);
    // From row 150 (inside the second row group) to the end, in blocks of exactly 64 rows.
    const from150 = await readAll(file, ['p_6', 'label'], { start: 150, end: 300 }, 64);
    assert.deepEqual(from150.blocks.map((b) => [b.start, b.size]), [[150, 64], [214, 64], [278, 22]]);
    assert.equal(from150.values.get('p_6')![0], 0.927854422035666);
    assert.equal(from150.values.get('label')![0], 6);
    assert.equal(from150.values.get('label')![149], 8);
    // The same values as the one-row-group snappy file, whole.
    const whole = await readAll(file, P);
    const snappy = await readAll(await openParquet(fixture('probs_snappy.parquet')), P);
    for (const p of P) assert.deepEqual(whole.values.get(p), snappy.values.get(p), p);
  });

  it('reads a Hugging Face style list<float> logits column (gzip) as a vector column of float32', async () => {
    const file = await openParquet(fixture('hf_logits_gzip.parquet'));
    assert.equal(file.description, 'Parquet (1 row group, gzip)');
    assert.deepEqual(file.columns[0], { name: 'logits', dtype: 'list<float>', kind: 'number', rows: 300, width: 10, vector: true, shape: [300, 10], file: 'hf_logits_gzip.parquet' });
    const r = await readAll(file, ['logits', 'label']);
    assert.equal(r.blocks[0]!.types[0], 'Float32Array');
    const z = r.values.get('logits')!;
    assert.equal(z.length, 3000);
    assert.deepEqual(z.slice(0, 3), [-7.244663238525391, 10.9068603515625, -3.9341912269592285]);
    assert.deepEqual(z.slice(1500, 1510), [
      -0.21295537054538727, -1.8183419704437256, 1.8396222591400146, -3.538119316101074, -2.0168943405151367,
      -0.44921329617500305, -1.602270483970642, -1.60294508934021, 8.224023818969727, 1.1770942211151123,
    ]);
    assert.equal(z[2999], -1.3875586986541748);
    assert.deepEqual([r.values.get('label')![0], r.values.get('label')![299]], [1, 2]);
    // A range inside the row group: row 150's list first.
    const mid = await readAll(file, ['logits'], { start: 150, end: 152 });
    assert.deepEqual(mid.values.get('logits')!.slice(0, 2), [-0.21295537054538727, -1.8183419704437256]);
  });

  it('reads a pandas Categorical (dictionary<string, int8>) as text, and a nullable Int64 without nulls', async () => {
    const iris = await openParquet(fixture('iris_dictionary.parquet'));
    assert.deepEqual(iris.columns.map((c) => [c.name, c.dtype, c.kind]), [['setosa', 'double', 'number'], ['versicolor', 'double', 'number'], ['virginica', 'double', 'number'], ['species', 'string', 'string']]);
    const r = await readAll(iris, ['species', 'virginica']);
    const species = r.values.get('species')!;
    assert.deepEqual([species[0], species[149]], ['setosa', 'virginica']);
    assert.deepEqual(['setosa', 'versicolor', 'virginica'].map((s) => species.filter((x) => x === s).length), [50, 50, 50]);
    assert.equal(r.values.get('virginica')![149], 0.511927889106395);
    const nullable = await openParquet(fixture('nullable_label.parquet', { sized: false }));
    const n = await readAll(nullable, ['label', 'proba_1']);
    const label = n.values.get('label') as number[];
    assert.deepEqual([label[0], label[150], label[299]], [1, 0, 0]);
    assert.equal(label.reduce((a, b) => a + b, 0), 188);
    assert.equal(n.values.get('proba_1')![299], 0.00016682761370232893);
  });

  it('reads nulls as NaN (numbers) and null (text), float32 as Float32Array, booleans as 0/1, v2 pages; a struct is listed, not read', async () => {
    const file = await openParquet(embedded(NULLS_V2, 'nulls.parquet'));
    assert.deepEqual(file.columns.map((c) => [c.name, c.dtype, c.kind]), [['d', 'double', 'number'], ['f', 'float', 'number'], ['s', 'string', 'string'], ['b', 'bool', 'number'], ['st', 'struct', 'unsupported']]);
    assert.match(file.columns[4]!.unsupported!, /struct column/);
    const r = await readAll(file, ['d', 'f', 's', 'b']);
    assert.deepEqual(r.blocks[0]!.types, ['Float64Array', 'Float32Array', 'Array', 'Float64Array']);
    assert.deepEqual(r.values.get('d'), [0.5, 1.5, NaN, 3.5]);
    assert.deepEqual(r.values.get('f'), [0.25, -1, 2, 8.5]);
    assert.deepEqual(r.values.get('s'), ['cat', null, 'dog', 'cat']);
    assert.deepEqual(r.values.get('b'), [1, 0, NaN, 1]);
    await rejects(readAll(file, ['st']), /st cannot be read: it is a struct column/);
    await rejects(readAll(file, ['nope']), /no column named "nope"/);
  });

  it('refuses a list column whose rows differ in length or are null, naming the row and the column', async () => {
    const ragged = await openParquet(embedded(RAGGED, 'ragged.parquet'));
    assert.deepEqual(ragged.columns[0]!.shape, [4, 2]);
    await rejects(readAll(ragged, ['x']), /ragged\.parquet, column x: row 3 holds 1 value where the rows before hold 2/);
    // Rows before the bad one read fine.
    assert.deepEqual((await readAll(ragged, ['x'], { start: 0, end: 2 })).values.get('x'), [1, 2, 3, 4]);
    const nullRow = await openParquet(embedded(NULL_ROW, 'nullrow.parquet'));
    await rejects(readAll(nullRow, ['x']), /nullrow\.parquet, column x: row 2 is null/);
  });

  it('refuses what is not Parquet, or is cut short', async () => {
    await rejects(openParquet(fixture('probs_lz4.feather')), /probs_lz4\.feather is not a Parquet file/);
    const bytes = new Uint8Array(readFileSync(`${DIR}/probs_snappy.parquet`));
    await rejects(openParquet(memSource(bytes.subarray(0, bytes.length - 100), 'cut.parquet')), /cut\.parquet is cut short/);
  });

  it('releases the file when the reading stops early', async () => {
    const source = fixture('probs_zstd_rowgroups.parquet', { chunk: 512 });
    const file = await openParquet(source);
    for await (const b of file.blocks([...P, 'label'], undefined, 10)) {
      assert.equal(b.size, 10);
      break;
    }
    assert.equal(source.open, 0);
  });

  it('reads files of many windows: pages straddling them, pages and dictionaries larger than one, ranges inside row groups', async () => {
    // Written by hyparquet-writer (v2 pages): 300k rows in row groups of 150k, a label (a small
    // dictionary), random doubles (plain pages), and random doubles of 40k distinct values (a
    // 320 KB dictionary page, larger than the reader's 256 KB window). 1 MB pages are gathered whole,
    // 100 KB ones straddle windows.
    const n = 300_000;
    let seed = 7;
    const rand = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 4294967296;
    };
    const label = BigInt64Array.from({ length: n }, (_, i) => BigInt(i % 10));
    const x = Float64Array.from({ length: n }, rand);
    const table = Float64Array.from({ length: 40_000 }, rand);
    const d = Float64Array.from({ length: n }, (_, i) => table[(i * 7919) % table.length]!);
    for (const [codec, pageSize] of [['SNAPPY', 1 << 20], ['UNCOMPRESSED', 100_000]] as const) {
      const bytes = new Uint8Array(
        parquetWriteBuffer({
          codec,
          pageSize,
          rowGroupSize: 150_000,
          columnData: [
            { name: 'label', data: label, type: 'INT64', nullable: true },
            { name: 'x', data: x, type: 'DOUBLE', nullable: true },
            { name: 'd', data: d, type: 'DOUBLE', nullable: true, encoding: 'RLE_DICTIONARY' },
          ],
        }),
      );
      const meta = parquetMetadata(bytes.buffer);
      const dict = meta.row_groups[0]!.columns[2]!.meta_data!;
      assert.ok(dict.data_page_offset - (dict.dictionary_page_offset ?? dict.data_page_offset) > 256 * 1024, 'a dictionary page larger than the window');
      const source = memSource(bytes, 'big.parquet', { chunk: 65536 });
      const file = await openParquet(source);
      const names = ['label', 'x', 'd'];
      for (const [range, blockRows] of [[undefined, undefined], [{ start: 123_457, end: 190_001 }, 5000], [{ start: 149_999, end: 290_001 }, undefined]] as const) {
        const got = await readAll(file, names, range, blockRows);
        const [from, to] = [range?.start ?? 0, range?.end ?? n];
        const what = `${codec}, rows ${from} to ${to}`;
        assert.deepEqual(got.values.get('label'), Array.from(label.subarray(from, to), Number), what);
        assert.deepEqual(got.values.get('x'), Array.from(x.subarray(from, to)), what);
        assert.deepEqual(got.values.get('d'), Array.from(d.subarray(from, to)), what);
        if (blockRows !== undefined) assert.ok(got.blocks.slice(0, -1).every((b) => b.size === blockRows));
      }
      assert.equal(source.open, 0);
    }
  });
  it('says a null label (pandas Int64, nullable INT64) is a missing label at its row, in the sampled rows or after, never a NaN', async () => {
    const n = 300;
    const p0 = Array.from({ length: n }, (_, i) => 0.05 + ((i * 37) % 90) / 100);
    const label = Array.from({ length: n }, (_, i) => (i === 3 || i === 280 ? null : BigInt(i % 2)));
    const bytes = new Uint8Array(parquetWriteBuffer({
      columnData: [
        { name: 'p_0', data: p0, type: 'DOUBLE' },
        { name: 'p_1', data: p0.map((v) => 1 - v), type: 'DOUBLE' },
        { name: 'label', data: label, type: 'INT64', nullable: true },
      ],
    }));
    const request = requestFor(DEFAULT_CONFIG, {});
    await assert.rejects(analyze(bytesSource('nulls.parquet', bytes), request), (err: Error) => {
      assert.ok(err instanceof AnalysisError, err.message);
      // Problems keep 1-based lines; a binary file's are said as rows from 0 (unit 'row').
      assert.deepEqual(err.problems.map((q) => [q.unit, q.line - 1, q.message]), [['row', 3, 'missing label'], ['row', 280, 'missing label']]);
      return true;
    });
    // Left out, the other rows' mean is that of the rows with a label.
    const a = await analyze(bytesSource('nulls.parquet', bytes), { ...request, skipInvalid: true });
    const kept = label.flatMap((y, i) => (y === null ? [] : [Math.log(y === 0n ? p0[i]! : 1 - p0[i]!)]));
    assert.equal(a.breakdown.count, n - 2);
    assert.ok(Math.abs(a.breakdown.mean + kept.reduce((x, y) => x + y, 0) / kept.length) < 1e-12);
  });
});
