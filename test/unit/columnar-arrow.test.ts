/**
 * Arrow IPC files (Feather v2) and streams as columns (src/core/columnar/arrow.ts), on the files
 * pyarrow wrote (test/fixtures/binary, scripts/corpus/gen_binary.py) and on two small files
 * pyarrow 25.0.1 wrote for what the fixtures lack (kept here as base64: a ragged list, a null
 * row in a fixed-size list, a nullable int32). Expected values were read with pyarrow and written
 * down: CI has no Python.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { lz4Block, openArrow } from '../../src/core/columnar/arrow';
import { DIR, embedded, fixture, memSource, readAll, rejects } from './columnar-helpers';

const P = Array.from({ length: 10 }, (_, k) => `p_${k}`);

// pyarrow 25.0.1: feather.write_feather(pa.table({'x': [[1, 2], [3, 4], [5], [6, 7]]} as list<float>), compression='uncompressed').
const RAGGED = [
  'QVJST1cxAAD/////oAAAABAAAAAAAAoADAAGAAUACAAKAAAAAAEEAAwAAAAIAAgAAAAEAAgAAAAEAAAAAQAAAAQAAADU////AAAB',
  'DBQAAAAcAAAABAAAAAEAAAAkAAAAAQAAAHgAAAAEAAQABAAAABAAFAAIAAYABwAMAAAAEAAQAAAAAAABAxAAAAAcAAAABAAAAAAA',
  'AAAEAAAAaXRlbQAABgAIAAYABgAAAAAAAQD/////uAAAABQAAAAAAAAADAAWAAYABQAIAAwADAAAAAADBAAYAAAAOAAAAAAAAAAA',
  'AAoAGAAMAAQACAAKAAAAXAAAABAAAAAEAAAAAAAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAFAAAAAAAAAAYAAAA',
  'AAAAAAAAAAAAAAAAGAAAAAAAAAAcAAAAAAAAAAAAAAACAAAABAAAAAAAAAAAAAAAAAAAAAcAAAAAAAAAAAAAAAAAAAAAAAAAAgAA',
  'AAQAAAAFAAAABwAAAAAAAAAAAIA/AAAAQAAAQEAAAIBAAACgQAAAwEAAAOBAAAAAAP////8AAAAAEAAAAAwAFAAGAAgADAAQAAwA',
  'AAAAAAQANAAAACQAAAAEAAAAAQAAALAAAAAAAAAAwAAAAAAAAAA4AAAAAAAAAAAAAAAIAAgAAAAEAAgAAAAEAAAAAQAAAAQAAADU',
  '////AAABDBQAAAAcAAAABAAAAAEAAAAkAAAAAQAAAHgAAAAEAAQABAAAABAAFAAIAAYABwAMAAAAEAAQAAAAAAABAxAAAAAcAAAA',
  'BAAAAAAAAAAEAAAAaXRlbQAABgAIAAYABgAAAAAAAQDIAAAAQVJST1cx',
];
// feather.write_feather(pa.table({'x': [[1, 2], None, [5, 6]] as fixed_size_list<float, 2>, 'y': [1, None, 3] as int32}), compression='uncompressed').
const NULL_ROW = [
  'QVJST1cxAAD/////4AAAABAAAAAAAAoADAAGAAUACAAKAAAAAAEEAAwAAAAIAAgAAAAEAAgAAAAEAAAAAgAAADwAAAAEAAAAnP//',
  '/wAAAQIQAAAAHAAAAAQAAAAAAAAAAQAAAHkAAAAIAAwACAAHAAgAAAAAAAABIAAAAND///8AAAEQFAAAABwAAAAEAAAAAQAAACgA',
  'AAABAAAAeAAGAAgABAAGAAAAAgAAABAAFAAIAAYABwAMAAAAEAAQAAAAAAABAxAAAAAcAAAABAAAAAAAAAAEAAAAaXRlbQAABgAI',
  'AAYABgAAAAAAAQAAAAAA/////9gAAAAUAAAAAAAAAAwAFgAGAAUACAAMAAwAAAAAAwQAGAAAAEAAAAAAAAAAAAAKABgADAAEAAgA',
  'CgAAAGwAAAAQAAAAAwAAAAAAAAAAAAAABQAAAAAAAAAAAAAAAQAAAAAAAAAIAAAAAAAAAAEAAAAAAAAAEAAAAAAAAAAYAAAAAAAA',
  'ACgAAAAAAAAAAQAAAAAAAAAwAAAAAAAAAAwAAAAAAAAAAAAAAAMAAAADAAAAAAAAAAEAAAAAAAAABgAAAAAAAAACAAAAAAAAAAMA',
  'AAAAAAAAAQAAAAAAAAAFAAAAAAAAADMAAAAAAAAAAACAPwAAAEAAAAAAAAAAAAAAoEAAAMBABQAAAAAAAAABAAAAAAAAAAMAAAAA',
  'AAAA/////wAAAAAQAAAADAAUAAYACAAMABAADAAAAAAABAA4AAAAKAAAAAQAAAABAAAA8AAAAAAAAADgAAAAAAAAAEAAAAAAAAAA',
  'AAAAAAAAAAAIAAgAAAAEAAgAAAAEAAAAAgAAADwAAAAEAAAAnP///wAAAQIQAAAAHAAAAAQAAAAAAAAAAQAAAHkAAAAIAAwACAAH',
  'AAgAAAAAAAABIAAAAND///8AAAEQFAAAABwAAAAEAAAAAQAAACgAAAABAAAAeAAGAAgABAAGAAAAAgAAABAAFAAIAAYABwAMAAAA',
  'EAAQAAAAAAABAxAAAAAcAAAABAAAAAAAAAAEAAAAaXRlbQAABgAIAAYABgAAAAAAAQAIAQAAQVJST1cx',
];

describe('Arrow IPC columns (openArrow)', () => {
  for (const [file, codec] of [['probs_lz4.feather', 'lz4'], ['probs_zstd.feather', 'zstd'], ['probs_uncompressed.feather', 'uncompressed']] as const) {
    it(`reads pyarrow write_feather, ${codec}: the values of the Parquet fixture`, async () => {
      const f = await openArrow(fixture(file, { chunk: 1000 }));
      assert.equal(f.description, `Feather v2 (1 record batch, ${codec})`);
      assert.equal(f.seekable, true);
      assert.deepEqual(f.columns.map((c) => c.name), [...P, 'label']);
      assert.deepEqual(f.columns[0], { name: 'p_0', dtype: 'double', kind: 'number', rows: 300, width: 1, vector: false, shape: [300], file });
      assert.deepEqual(f.columns[10], { name: 'label', dtype: 'int64', kind: 'number', rows: 300, width: 1, vector: false, shape: [300], file });
      const r = await readAll(f, ['p_0', 'p_6', 'label']);
      assert.deepEqual(r.blocks, [{ start: 0, size: 300, types: ['Float64Array', 'Float64Array', 'Float64Array'] }]);
      assert.equal(r.values.get('p_0')![0], 0.013374828814456443);
      assert.equal(r.values.get('p_0')![299], 0.0020273548954463792);
      assert.equal(r.values.get('p_6')![150], 0.927854422035666);
      const label = r.values.get('label') as number[];
      assert.deepEqual([label[0], label[150], label[299]], [3, 6, 8]);
      assert.equal(label.reduce((a, b) => a + b, 0), 1345);
    });
  }

  it('reads an IPC file of three record batches with a list<float> logits column, and blocks across batches', async () => {
    const f = await openArrow(fixture('hf_logits.arrow', { sized: false }));
    assert.equal(f.description, 'Arrow IPC file (3 record batches, uncompressed)');
    assert.deepEqual(f.columns[0], { name: 'logits', dtype: 'list<float>', kind: 'number', rows: 300, width: 10, vector: true, shape: [300, 10], file: 'hf_logits.arrow' });
    const r = await readAll(f, ['logits', 'label']);
    assert.deepEqual(r.blocks.map((b) => [b.start, b.size, ...b.types]), [[0, 100, 'Float32Array', 'Float64Array'], [100, 100, 'Float32Array', 'Float64Array'], [200, 100, 'Float32Array', 'Float64Array']]);
    const z = r.values.get('logits')!;
    assert.deepEqual(z.slice(0, 3), [0.07601574808359146, 0.324375718832016, -0.37266257405281067]);
    assert.equal(z[2999], -0.76188725233078);
    assert.deepEqual([r.values.get('label')![0], r.values.get('label')![299]], [9, 1]);
    // Rows 99 and 100 are the last of the first batch and the first of the second: one block of 2.
    const across = await readAll(f, ['logits', 'label'], { start: 99, end: 101 }, 2);
    assert.deepEqual(across.blocks.map((b) => [b.start, b.size]), [[99, 2]]);
    const a = across.values.get('logits')!;
    assert.deepEqual(a.slice(0, 3), [-0.6651880741119385, -0.41420432925224304, -0.5945117473602295]);
    assert.deepEqual(a.slice(10, 13), [-0.6887997984886169, 0.03282028064131737, 0.002369152382016182]);
    assert.deepEqual(across.values.get('label'), [7, 7]);
  });

  it('reads an IPC stream (a Hugging Face datasets cache file), and a range starting inside a batch', async () => {
    const f = await openArrow(fixture('hf_dataset_stream.arrow', { chunk: 333 }));
    assert.equal(f.description, 'Arrow IPC stream (3 record batches, uncompressed)');
    assert.deepEqual(f.columns.map((c) => [c.name, c.dtype, c.width, c.vector]), [['logits', 'list<float>', 10, true], ['label', 'int64', 1, false]]);
    const r = await readAll(f, ['logits', 'label']);
    assert.deepEqual(r.values.get('logits')!.slice(0, 3), [-1.348259687423706, 0.20780496299266815, 0.9994155764579773]);
    assert.equal(r.values.get('logits')![1506], 4.32697057723999);
    assert.deepEqual([r.values.get('label')![0], r.values.get('label')![150], r.values.get('label')![299]], [3, 6, 8]);
    const mid = await readAll(f, ['label', 'logits'], { start: 150, end: 160 });
    assert.deepEqual(mid.blocks.map((b) => [b.start, b.size]), [[150, 10]]);
    assert.equal(mid.values.get('label')![0], 6);
    assert.equal(mid.values.get('logits')![6], 4.32697057723999);
  });

  it('refuses a list column whose rows differ in length or are null, naming the row and the column; nulls elsewhere are NaN', async () => {
    const ragged = await openArrow(embedded(RAGGED, 'ragged.feather'));
    assert.deepEqual(ragged.columns[0]!.shape, [4, 2]);
    await rejects(readAll(ragged, ['x']), /ragged\.feather, column x: row 3 holds 1 value where the rows before hold 2/);
    // Rows before the bad one read fine.
    assert.deepEqual((await readAll(ragged, ['x'], { start: 0, end: 2 })).values.get('x'), [1, 2, 3, 4]);
    const nullRow = await openArrow(embedded(NULL_ROW, 'nullrow.feather'));
    assert.deepEqual(nullRow.columns.map((c) => [c.name, c.dtype, c.width, c.vector]), [['x', 'fixed_size_list<float, 2>', 2, true], ['y', 'int32', 1, false]]);
    await rejects(readAll(nullRow, ['x']), /nullrow\.feather, column x: row 2 is null/);
    assert.deepEqual((await readAll(nullRow, ['y'])).values.get('y'), [1, NaN, 3]);
    await rejects(readAll(nullRow, ['z']), /no column named "z"/);
  });

  it('refuses what is not Arrow, or is cut short', async () => {
    await rejects(openArrow(fixture('probs_snappy.parquet')), /probs_snappy\.parquet is not an Arrow IPC file or stream/);
    const bytes = new Uint8Array(readFileSync(`${DIR}/probs_lz4.feather`));
    await rejects(openArrow(memSource(bytes.subarray(0, bytes.length - 50), 'cut.feather')), /cut\.feather is cut short/);
  });

  it('releases the file when the reading stops early', async () => {
    const source = fixture('hf_logits.arrow', { chunk: 256 });
    const f = await openArrow(source);
    for await (const b of f.blocks(['logits', 'label'], undefined, 10)) {
      assert.equal(b.size, 10);
      break;
    }
    assert.equal(source.open, 0);
  });

  it('decodes LZ4 blocks: literals, and matches that overlap what they copy', () => {
    // "abcabcabcabc!": 3 literals, a match of 9 at offset 3, then the last literal.
    const block = new Uint8Array([0x35, 0x61, 0x62, 0x63, 0x03, 0x00, 0x10, 0x21]);
    const out = new Uint8Array(13);
    assert.equal(lz4Block(block, out, 0), 13);
    assert.equal(new TextDecoder().decode(out), 'abcabcabcabc!');
    assert.throws(() => lz4Block(new Uint8Array([0x10, 0x61, 0x05, 0x00]), new Uint8Array(10), 0), /before the start/);
  });
});
