/**
 * JSON written by pandas' DataFrame.to_json in each orient (issue 12): read to the same rows,
 * targets and predictions as the same frame written with orient='records', with bad values,
 * misaligned columns and short rows reported where they are. The frames below are pandas 1.5.3's
 * own output for
 *   df = pd.DataFrame({'p_0': [0.7, 0.1, 0.25, 0.05], 'p_1': [0.2, 0.6, 0.25, 0.15],
 *                      'p_2': [0.1, 0.3, 0.5, 0.8], 'label': [0, 1, 2, 1]}, index=[13, 2, 7, 40])
 *   lg = pd.DataFrame({'label': ['cat', 'dog', 'bird'], 'logits': [[2.0, -1.0, 0.5], [-0.5, 1.5, 0.0],
 *                      [0.1, 0.2, 3.0]]}, index=['a', 'b', 'c'])
 * written with df.to_json(orient=...).
 */
import { strict as assert } from 'node:assert';
import { containerElements, type Batch } from '../../src/core/parse/json-stream';
import { bytesSource } from '../../src/core/parse/memory-source';
import { readText, type Row } from './parse-helpers';

const DF = {
  records: '[{"p_0":0.7,"p_1":0.2,"p_2":0.1,"label":0},{"p_0":0.1,"p_1":0.6,"p_2":0.3,"label":1},{"p_0":0.25,"p_1":0.25,"p_2":0.5,"label":2},{"p_0":0.05,"p_1":0.15,"p_2":0.8,"label":1}]',
  columns: '{"p_0":{"13":0.7,"2":0.1,"7":0.25,"40":0.05},"p_1":{"13":0.2,"2":0.6,"7":0.25,"40":0.15},"p_2":{"13":0.1,"2":0.3,"7":0.5,"40":0.8},"label":{"13":0,"2":1,"7":2,"40":1}}',
  split: '{"columns":["p_0","p_1","p_2","label"],"index":[13,2,7,40],"data":[[0.7,0.2,0.1,0],[0.1,0.6,0.3,1],[0.25,0.25,0.5,2],[0.05,0.15,0.8,1]]}',
  splitNoIndex: '{"columns":["p_0","p_1","p_2","label"],"data":[[0.7,0.2,0.1,0],[0.1,0.6,0.3,1],[0.25,0.25,0.5,2],[0.05,0.15,0.8,1]]}',
  index: '{"13":{"p_0":0.7,"p_1":0.2,"p_2":0.1,"label":0},"2":{"p_0":0.1,"p_1":0.6,"p_2":0.3,"label":1},"7":{"p_0":0.25,"p_1":0.25,"p_2":0.5,"label":2},"40":{"p_0":0.05,"p_1":0.15,"p_2":0.8,"label":1}}',
  values: '[[0.7,0.2,0.1,0],[0.1,0.6,0.3,1],[0.25,0.25,0.5,2],[0.05,0.15,0.8,1]]',
  // df.to_json(orient='columns', indent=1)
  columnsIndent:
    '{\n "p_0":{\n  "13":0.7,\n  "2":0.1,\n  "7":0.25,\n  "40":0.05\n },\n "p_1":{\n  "13":0.2,\n  "2":0.6,\n  "7":0.25,\n  "40":0.15\n },\n "p_2":{\n  "13":0.1,\n  "2":0.3,\n  "7":0.5,\n  "40":0.8\n },\n "label":{\n  "13":0,\n  "2":1,\n  "7":2,\n  "40":1\n }\n}',
};

const LG = {
  records: '[{"label":"cat","logits":[2.0,-1.0,0.5]},{"label":"dog","logits":[-0.5,1.5,0.0]},{"label":"bird","logits":[0.1,0.2,3.0]}]',
  columns: '{"label":{"a":"cat","b":"dog","c":"bird"},"logits":{"a":[2.0,-1.0,0.5],"b":[-0.5,1.5,0.0],"c":[0.1,0.2,3.0]}}',
  split: '{"columns":["label","logits"],"index":["a","b","c"],"data":[["cat",[2.0,-1.0,0.5]],["dog",[-0.5,1.5,0.0]],["bird",[0.1,0.2,3.0]]]}',
  index: '{"a":{"label":"cat","logits":[2.0,-1.0,0.5]},"b":{"label":"dog","logits":[-0.5,1.5,0.0]},"c":{"label":"bird","logits":[0.1,0.2,3.0]}}',
  values: '[["cat",[2.0,-1.0,0.5]],["dog",[-0.5,1.5,0.0]],["bird",[0.1,0.2,3.0]]]',
};

/** What a row computes from: row number, target and prediction (lines differ between orients). */
const numbers = (rows: Row[]) => rows.map((r) => ({ row: r.row, target: r.target, prediction: r.prediction }));

describe('readSamples: pandas to_json orients', () => {
  it('reads orient columns, split (with and without index) and index to the rows of orient records', async () => {
    const ref = await readText('records.json', DF.records);
    assert.equal(ref.result.ok, true, ref.messages.join());
    assert.deepEqual(numbers(ref.rows), [
      { row: 0, target: 0, prediction: [0.7, 0.2, 0.1] },
      { row: 1, target: 1, prediction: [0.1, 0.6, 0.3] },
      { row: 2, target: 2, prediction: [0.25, 0.25, 0.5] },
      { row: 3, target: 1, prediction: [0.05, 0.15, 0.8] },
    ]);
    const cases: [string, string, string, string][] = [
      ['columns', DF.columns, 'pandas-columns', "pandas to_json, orient='columns' (the default): 4 columns, each an object of 4 rows keyed by the row index; rows paired by their keys"],
      ['split', DF.split, 'pandas-split', `pandas to_json, orient='split': "data" holds 4 rows of the 4 columns named in "columns" (line 1), its "index" not read`],
      ['splitNoIndex', DF.splitNoIndex, 'pandas-split', `pandas to_json, orient='split': "data" holds 4 rows of the 4 columns named in "columns" (line 1), without an "index" (index=False)`],
      ['index', DF.index, 'pandas-index', `pandas to_json, orient='index': 4 rows keyed by the row index ("13", "2", "7", ...), each an object of the columns ("p_0", "p_1", "p_2", ...)`],
      ['columnsIndent', DF.columnsIndent, 'pandas-columns', "pandas to_json, orient='columns' (the default): 4 columns, each an object of 4 rows keyed by the row index; rows paired by their keys"],
    ];
    for (const [name, text, shape, evidence] of cases) {
      for (const chunk of [1, 7, 1 << 16]) {
        const r = await readText(`${name}.json`, text, {}, chunk);
        assert.equal(r.result.ok, true, `${name}: ${r.messages.join()}`);
        assert.equal(r.result.layout.jsonShape, shape);
        assert.deepEqual(r.result.layout.jsonPath, []);
        assert.equal(r.result.layout.evidence[1], evidence, name);
        assert.deepEqual(r.result.layout.predictionColumns, ['p_0', 'p_1', 'p_2']);
        assert.deepEqual(numbers(r.rows), numbers(ref.rows), `${name}, chunks of ${chunk}`);
      }
    }
    // A row's line is where its first prediction sits: orient='columns' writes p_0's entries on lines 3..6.
    const indent = await readText('i.json', DF.columnsIndent);
    assert.deepEqual(indent.rows.map((r) => r.line), [3, 4, 5, 6]);
  });

  it('reads a frame whose cells are lists (logits) in every orient', async () => {
    const opts = { overrides: { classNames: ['bird', 'cat', 'dog'] } };
    const ref = await readText('records.json', LG.records, opts);
    assert.equal(ref.result.ok, true, ref.messages.join());
    assert.deepEqual(numbers(ref.rows), [
      { row: 0, target: 1, prediction: [2, -1, 0.5] },
      { row: 1, target: 2, prediction: [-0.5, 1.5, 0] },
      { row: 2, target: 0, prediction: [0.1, 0.2, 3] },
    ]);
    for (const [name, text] of Object.entries(LG)) {
      const extra = name === 'values' ? { labelColumn: 'column 1' } : {};
      for (const chunk of [3, 1 << 16]) {
        const r = await readText(`${name}.json`, text, { overrides: { ...opts.overrides, ...extra } }, chunk);
        assert.equal(r.result.ok, true, `${name}: ${r.messages.join()}`);
        assert.equal(r.result.layout.input, 'logits', name);
        assert.equal(r.result.layout.predictionIsVector, true, name);
        assert.deepEqual(numbers(r.rows), numbers(ref.rows), `${name}, chunks of ${chunk}`);
      }
    }
  });

  it("reads orient='values' as a headerless file: columns 'column 1' .., the label guessed as an assumption, or refused naming the flags", async () => {
    const r = await readText('values.json', DF.values);
    assert.equal(r.result.ok, true, r.messages.join());
    assert.equal(r.result.layout.jsonShape, 'pandas-values');
    assert.equal(r.result.layout.labelColumn, 'column 4');
    assert.deepEqual(r.result.layout.predictionColumns, ['column 1', 'column 2', 'column 3']);
    assert.equal(
      r.result.layout.evidence[1],
      "pandas to_json, orient='values': an array of 4 rows of 4 values with no column names, named column 1 .. column 4 (as in --label-column 'column N')",
    );
    assert.deepEqual(r.result.layout.assumptions?.[0]?.taken, { labelColumn: 'column 4' });
    const ref = await readText('records.json', DF.records);
    assert.deepEqual(numbers(r.rows), numbers(ref.rows));
    // Labels that are words and logits in a list: which column is the label is not guessed.
    const lg = await readText('lg.json', LG.values);
    assert.deepEqual(lg.messages, [
      "lg.json:1:1: an array of rows with no column names (pandas to_json, orient='values'), and which column holds the labels is unclear: " +
        "name it with --label-column 'column N' (and the scores with --pred-columns; the columns are column 1, column 2), " +
        "or write the file with orient='records' or orient='split', which keep the names",
    ]);
  });

  it('reports bad values at their line and column in each orient, and rows of the wrong length', async () => {
    const columns = '{"p_0": {"0": 0.7, "1": 0.4},\n "p_1": {"0": 0.3, "1": "high"},\n "label": {"0": 0, "1": 1}}';
    let r = await readText('c.json', columns);
    assert.deepEqual(r.messages, ['c.json:2:25: expected a number, found "high" (field p_1)']);
    const split = '{"columns": ["p_0", "p_1", "label"],\n "data": [[0.7, 0.3, 0],\n  [0.4, "high", 1],\n  [0.5, 0.5]]}';
    r = await readText('s.json', split);
    assert.deepEqual(r.messages, [
      's.json:3:9: expected a number, found "high" (field p_1)',
      's.json:4:3: this row of "data" has 2 values, but "columns" names 3 columns',
    ]);
    r = await readText('s.json', split, { skipInvalid: true });
    assert.deepEqual(r.rows.map((x) => [x.row, x.line, x.target]), [[0, 2, 0]]);
    assert.equal(r.result.skipped, 2);
    const index = '{"0": {"p_0": 0.7, "p_1": 0.3, "label": 0},\n "1": {"p_0": 0.4, "p_1": 0.6, "label": 5}}';
    r = await readText('i.json', index);
    assert.deepEqual(r.messages, ['i.json:2:41: label 5 is not a class index (0 to 1)']);
  });

  it("refuses an orient='columns' file whose columns list other rows, at the first key that differs", async () => {
    const swapped = '{"p_0": {"0": 0.7, "1": 0.4, "2": 0.5},\n "p_1": {"0": 0.3, "2": 0.5, "1": 0.6},\n "label": {"0": 0, "1": 1, "2": 0}}';
    let r = await readText('m.json', swapped);
    assert.deepEqual(r.messages, [
      'm.json:2:20: row key "2" in column "p_1" where column "p_0" has "1" (row 2, line 1): the columns do not list the same rows in the same order ' +
        '(pandas writes every column with the index in one order), so their values cannot be paired',
    ]);
    assert.equal(r.result.ok, false);
    // Not a row's problem: --skip-invalid does not pair the rest either.
    r = await readText('m.json', swapped, { skipInvalid: true });
    assert.equal(r.result.ok, false);
    const short = '{"p_0": {"0": 0.7, "1": 0.4, "2": 0.5},\n "p_1": {"0": 0.3, "1": 0.6},\n "label": {"0": 0, "1": 1, "2": 0}}';
    r = await readText('s.json', short);
    assert.deepEqual(r.messages, ['s.json:1:30: "p_0" has a row "2" after 2 rows, where "p_1" has no more (line 2): the columns hold different rows, so they cannot be paired']);
    // Past the sampled rows: one entry per line (indent=1), the label column's key 300 written as 299's twin.
    const n = 400;
    const col = (name: string, v: (i: number) => string, key = (i: number) => String(i)) =>
      ` "${name}":{\n${Array.from({ length: n }, (_, i) => `  "${key(i)}":${v(i)}`).join(',\n')}\n }`;
    const text = `{\n${col('p_0', (i) => String((i % 10) / 10))},\n${col('p_1', (i) => String(1 - (i % 10) / 10))},\n${col('label', (i) => String(i % 2), (i) => String(i === 300 ? 299 : i))}\n}`;
    r = await readText('late.json', text);
    const line = 2 + 2 * (n + 2) + 1 + 300;
    assert.deepEqual(r.messages, [
      `late.json:${line}:3: row key "299" in column "label" where column "p_0" has "300" (row 301, line 303): the columns do not list the same rows in the same order ` +
        '(pandas writes every column with the index in one order), so their values cannot be paired',
    ]);
    assert.equal(r.rows.length, 300);
  });

  it('reads a long frame of list cells past the sample, and again with the layout it gave', async () => {
    const n = 5000;
    const label = (i: number) => i % 3;
    const logits = (i: number) => [((i * 7) % 11) / 4 - 1, ((i * 5) % 13) / 4 - 1, ((i * 3) % 7) / 4 - 1];
    const recs = Array.from({ length: n }, (_, i) => ({ label: label(i), logits: logits(i) }));
    // A shuffled index, written in the frame's order (an object with integer keys would sort them).
    const byIndex = (f: (i: number) => unknown) => `{${Array.from({ length: n }, (_, i) => `"${(i * 7919) % n}":${JSON.stringify(f(i))}`).join(',')}}`;
    const columns = `{"label":${byIndex(label)},"logits":${byIndex(logits)}}`;
    const ref = await readText('records.json', JSON.stringify(recs));
    const r = await readText('columns.json', columns, {}, 4096);
    assert.equal(r.result.ok, true, r.messages.join());
    assert.equal(r.result.layout.jsonShape, 'pandas-columns');
    assert.equal(r.rows.length, n);
    assert.deepEqual(numbers(r.rows), numbers(ref.rows));
    // The extension and the workers read again with the layout of a first read.
    const again = await readText('columns.json', columns, { layout: r.result.layout });
    assert.equal(again.result.ok, true, again.messages.join());
    assert.deepEqual(numbers(again.rows), numbers(ref.rows));
  });

  it('still reads parallel arrays one level down (beside metrics, under splits or folds) as parallel arrays', async () => {
    const cases: [string, string[]][] = [
      ['{"val": {"labels": [1, 0, 1], "probs": [0.2, 0.1, 0.9]}, "test": {"labels": [0, 0], "probs": [0.3, 0.4]}}', ['val']],
      ['{"test": {"loss": 0.31, "labels": [1, 0, 1], "probs": [0.2, 0.1, 0.9]}}', ['test']],
      ['{"0": {"labels": [1, 0, 1], "probs": [0.2, 0.1, 0.9]}, "1": {"labels": [0, 1, 1], "probs": [0.3, 0.4, 0.6]}}', ['0']],
    ];
    for (const [text, path] of cases) {
      const r = await readText('splits.json', text);
      assert.equal(r.result.ok, true, r.messages.join());
      assert.equal(r.result.layout.jsonShape, 'columns', text);
      assert.deepEqual(r.result.layout.jsonPath, path);
      assert.equal(r.result.layout.kind, 'bce');
      assert.deepEqual(r.rows.map((x) => x.target), [1, 0, 1]);
    }
  });

  it('reads multi-label frames (a list of 0/1 per row beside the logits) as frames in orients index and columns', async () => {
    const recs = [
      { labels: [0, 1, 1], logits: [-1, 2, 0.5] },
      { labels: [1, 0, 0], logits: [1.5, -0.5, -2] },
      { labels: [0, 0, 1], logits: [-1, -1, 3] },
      { labels: [1, 1, 0], logits: [0.5, 0.25, -1] },
    ];
    const ref = await readText('records.json', JSON.stringify(recs));
    assert.equal(ref.result.layout.kind, 'multilabel');
    const index = `{${recs.map((r, i) => `"${i}":${JSON.stringify(r)}`).join(',')}}`;
    const col = (f: 'labels' | 'logits', key: (i: number) => string) => `{${recs.map((r, i) => `"${key(i)}":${JSON.stringify(r[f])}`).join(',')}}`;
    for (const [text, shape] of [
      [index, 'pandas-index'],
      [`{"labels":${col('labels', String)},"logits":${col('logits', String)}}`, 'pandas-columns'],
      [`{"labels":${col('labels', (i) => `s${i}`)},"logits":${col('logits', (i) => `s${i}`)}}`, 'pandas-columns'],
    ]) {
      const r = await readText('ml.json', text!);
      assert.equal(r.result.ok, true, r.messages.join());
      assert.equal(r.result.layout.jsonShape, shape, text);
      assert.equal(r.result.layout.kind, 'multilabel');
      assert.deepEqual(numbers(r.rows), numbers(ref.rows));
    }
  });
});

describe('containerElements', () => {
  /** Every element with its key and positions, flattened over batches. */
  async function flat(text: string, chunk: number, window?: number, keys = false) {
    const bytes = new TextEncoder().encode(text);
    const out: unknown[] = [];
    const span = { start: 0, end: bytes.length, line: 1, column: 1 };
    const opts = window === undefined ? { maxTokenBytes: 1 << 20, keys } : { maxTokenBytes: 1 << 20, keys, window };
    for await (const b of containerElements(bytesSource('x.json', bytes, chunk), span, opts) as AsyncGenerator<Batch>) {
      for (let j = 0; j < b.values.length; j++) {
        out.push([b.values[j], b.lines[j], b.columns[j], b.keys?.[j], b.keyLines?.[j], b.keyColumns?.[j], b.fields?.[j] && [...b.fields[j]!]]);
      }
    }
    return out;
  }

  it('gives the same elements, keys and positions whatever the windows and chunks', async () => {
    const obj = '{"a": 1,\n "bb": [2, 3], "c": {"x": "y\\"z", "w": [4]},\n "é": null}';
    const ref = await flat(obj, 1 << 16, undefined, true);
    assert.deepEqual(ref, [
      [1, 1, 7, 'a', 1, 2, undefined],
      [[2, 3], 2, 8, 'bb', 2, 2, undefined],
      [{ x: 'y"z', w: [4] }, 2, 21, 'c', 2, 16, [["x", { line: 2, column: 27 }], ["w", { line: 2, column: 40 }]]],
      [null, 3, 7, "é", 3, 2, undefined],
    ]);
    for (const window of [1, 2, 5, 64]) for (const chunk of [1, 3, 1 << 16]) assert.deepEqual(await flat(obj, chunk, window, true), ref, `window ${window}, chunk ${chunk}`);
  });
});
