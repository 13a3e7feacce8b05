import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { bytesSource } from '../../src/core/parse/memory-source';
import { firstLineOfRange, planRanges, readLayout, splitRanges, sniffFormat } from '../../src/core/parse/read';
import { readAll, readText, type Row } from './parse-helpers';

const sample = (name: string): string => readFileSync(`samples/${name}`, 'utf8');

/** An independent reading of a simple CSV (no quotes): split and Number(). */
function naive(text: string): string[][] {
  return text.trim().split('\n').slice(1).map((l) => l.split(','));
}

describe('readSamples: CSV', () => {
  it('reads binary.csv exactly as split + Number() would', async () => {
    const text = sample('binary.csv');
    const { result, rows } = await readText('binary.csv', text, {}, 4096, 'id');
    const ref = naive(text);
    assert.equal(result.ok, true);
    assert.equal(result.layout.kind, 'bce');
    assert.equal(result.layout.input, 'probs');
    assert.equal(rows.length, ref.length);
    rows.forEach((r, i) => {
      assert.equal(r.id, ref[i]![0]);
      assert.equal(r.target, Number(ref[i]![1]));
      assert.deepEqual(r.prediction, [Number(ref[i]![2])]);
      assert.equal(r.row, i);
      assert.equal(r.line, i + 2);
    });
  });

  it('reads digits.csv: class names from the columns, labels mapped by name', async () => {
    const text = sample('digits.csv');
    const { result, rows } = await readText('digits.csv', text, {}, 7777);
    const ref = naive(text);
    const names = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
    assert.equal(result.ok, true);
    assert.deepEqual(result.layout.classNames, names);
    assert.equal(result.layout.kind, 'ce');
    assert.equal(result.layout.numClasses, 10);
    assert.equal(rows.length, ref.length);
    rows.forEach((r, i) => {
      assert.equal(r.target, names.indexOf(ref[i]![1]!));
      assert.deepEqual(r.prediction, ref[i]!.slice(2).map(Number));
    });
    assert.ok(result.layout.evidence.includes('class names zero, one, two, three, four, five, six, seven, eight, nine (from the prediction column names)'));
  });

  it('reads multilabel.csv: quoted lists of names into multi-hot targets', async () => {
    const { result, rows } = await readText('multilabel.csv', sample('multilabel.csv'));
    assert.equal(result.ok, true);
    assert.equal(result.layout.kind, 'multilabel');
    assert.equal(result.layout.targetKind, 'multihot');
    assert.deepEqual(result.layout.classNames, ['car', 'cat', 'dog']);
    const lines = sample('multilabel.csv').split('\n');
    for (const r of rows) {
      const tags = lines[r.line - 1]!.split(',')[1]!.replace(/"/g, '');
      const line = lines[r.line - 1]!;
      const expected = ['car', 'cat', 'dog'].map((n) => (new RegExp(`^[^,]*,"?[^"]*\\b${n}\\b`).test(line) ? 1 : 0));
      assert.deepEqual(r.target, expected, `line ${r.line} (${tags})`);
    }
  });

  it('reads soft_labels.csv: target columns as soft vectors', async () => {
    const text = sample('soft_labels.csv');
    const { result, rows } = await readText('soft_labels.csv', text);
    assert.equal(result.layout.kind, 'ce');
    assert.equal(result.layout.targetKind, 'soft');
    assert.deepEqual(result.layout.targetColumns, ['t_0', 't_1', 't_2']);
    const ref = naive(text);
    rows.forEach((r, i) => {
      assert.deepEqual(r.target, ref[i]!.slice(1, 4).map(Number));
      assert.deepEqual(r.prediction, ref[i]!.slice(4).map(Number));
    });
  });

  it('reports each problem in problems.csv at its line and column, compiler style', async () => {
    const { result, rows, messages } = await readText('samples/problems.csv', sample('problems.csv'));
    assert.equal(result.ok, false);
    assert.deepEqual(messages, [
      'samples/problems.csv:4:10: expected a number, found "abc"',
      'samples/problems.csv:6:13: expected 5 fields (as in the header), found 4',
      'samples/problems.csv:8:14: probability 1.3 is outside [0, 1] (column p_2); if these are logits, read with --input logits',
      'samples/problems.csv:10:6: found NaN (column p_0): values must be finite numbers',
    ]);
    assert.equal(result.errorCount, 4);
    // Rows before the first problem were delivered; none after it.
    assert.deepEqual(rows.map((r) => r.line), [2, 3]);
  });

  it('skips bad rows with skipInvalid, reporting each as a warning', async () => {
    const { result, rows, messages } = await readText('problems.csv', sample('problems.csv'), { skipInvalid: true });
    assert.equal(result.ok, true);
    assert.equal(result.skipped, 4);
    assert.equal(result.rows, 14);
    assert.equal(rows.length, 10);
    assert.deepEqual(rows.map((r) => r.line), [2, 3, 5, 7, 9, 11, 12, 13, 14, 15]);
    assert.deepEqual(rows.map((r) => r.row), [0, 1, 3, 5, 7, 9, 10, 11, 12, 13]);
    assert.equal(messages[0], 'problems.csv:4:10: warning: expected a number, found "abc" (row skipped)');
    assert.equal(result.warningCount, 4);
  });

  it('lists the first 20 problems and counts the rest', async () => {
    const text = 'label,p\n' + Array.from({ length: 35 }, (_, i) => `1,x${i}`).join('\n');
    const { result } = await readText('many.csv', text, { overrides: { predColumns: ['p'] } });
    assert.equal(result.problems.length, 20);
    assert.equal(result.errorCount, 35);
    assert.deepEqual(result.problems[19], { line: 21, column: 3, message: 'expected a number, found "x19"', severity: 'error' });
  });

  it('handles a BOM, CRLF, semicolons, quoted ids and blank trailing lines', async () => {
    const text = '\ufeffid;label;p_0;p_1\r\n"a;1";0;0.25;0.75\r\n"b ""q""";1;0.5;0.5\r\n\r\n\r\n';
    const { result, rows } = await readText('x.csv', text, {}, 3, 'id');
    assert.equal(result.ok, true);
    assert.equal(result.layout.delimiter, ';');
    assert.deepEqual(result.layout.columns, ['id', 'label', 'p_0', 'p_1']);
    assert.deepEqual(rows, [
      { row: 0, line: 2, prediction: [0.25, 0.75], target: 0, id: 'a;1' },
      { row: 1, line: 3, prediction: [0.5, 0.5], target: 1, id: 'b "q"' },
    ]);
  });

  it('reads TSV', async () => {
    const { result, rows } = await readText('x.tsv', 'y\tscore\n1\t0.9\n0\t0.2\n');
    assert.equal(result.layout.format, 'tsv');
    assert.deepEqual(rows.map((r) => [r.target, r.prediction[0]]), [[1, 0.9], [0, 0.2]]);
  });

  it('reports where a column starts after multi-byte characters', async () => {
    const { messages } = await readText('u.csv', 'note,label,p\nçé,1,0.5\nü,1,oops\n');
    assert.deepEqual(messages, ['u.csv:3:5: expected a number, found "oops"']);
  });

  it('reports labels out of range, not among the names, and bad binary labels', async () => {
    let r = await readText('a.csv', 'label,p_0,p_1\n0,0.5,0.5\n2,0.5,0.5\n1.5,0.5,0.5\n');
    assert.deepEqual(r.messages, ['a.csv:3:1: label 2 is not a class index (0 to 1)', 'a.csv:4:1: label 1.5 is not a class index (0 to 1)']);
    r = await readText('b.csv', 'label,cat,dog\ncat,0.5,0.5\ndog,0.5,0.5\ncow,0.5,0.5\n');
    assert.deepEqual(r.messages, ['b.csv:4:1: label "cow" is not among the class names (cat, dog)']);
    r = await readText('c.csv', 'y,p\n1,0.5\n0,0.5\n3,0.5\n,0.5\n');
    assert.deepEqual(r.messages, ['c.csv:4:1: label 3 is not 0, 1 or a probability in [0, 1]', 'c.csv:5:1: missing label']);
  });

  it('reports infinities, empty values, and quotes problems', async () => {
    const { messages } = await readText('d.csv', 'label,p_0,p_1\n0,inf,0.5\n0,,0.5\n1,1e999,0\n0,"0.5"x,0.5\n0,0.5,"0.5\n');
    assert.deepEqual(messages, [
      'd.csv:2:3: found infinity (column p_0): values must be finite numbers',
      'd.csv:3:3: expected a number, found an empty field (column p_0)',
      'd.csv:4:3: found infinity (column p_0): values must be finite numbers',
      'd.csv:5:8: unexpected text after a closing quote',
      'd.csv:6:7: unterminated quoted field',
    ]);
  });

  it('fails cleanly on an empty file, a header without rows, binary data and no label column', async () => {
    assert.deepEqual((await readText('e.csv', '')).messages, ['e.csv: the file is empty']);
    assert.deepEqual((await readText('h.csv', 'label,p\n\n')).messages, ['h.csv:1: the header has no rows under it']);
    const garbage = new Uint8Array(5000).map((_, i) => (i * 7919) % 256);
    assert.match((await readAll(bytesSource('g.csv', garbage))).messages[0]!, /^g\.csv: binary data \(a NUL byte at offset 0\)/);
    assert.match((await readAll(bytesSource('z.csv.gz', new Uint8Array([0x1f, 0x8b, 8, 0])))).messages[0]!, /gzip-compressed data/);
    // No header, and both end columns could be the labels: refused, not guessed (parse-headerless.test.ts).
    assert.deepEqual((await readText('d.csv', '1,0.5,0\n0,0.5,1\n')).messages, [
      "d.csv:1: the file has no header (the first line holds only numbers), so its columns are named column 1 .. column 3, and which one holds the labels is unclear: both column 1 and column 3 hold only whole numbers in 0..1 (class indices for the 2 other columns) in the first 2 rows. Name it with --label-column 'column N', e.g. --label-column 'column 1'",
    ]);
    const nolabel = await readText('n.csv', 'foo,p_0,p_1\n7,0.5,0.5\n');
    assert.equal(nolabel.result.ok, false);
    assert.match(nolabel.messages[0]!, /^n\.csv:1: no label column found \(looked for label, labels, y, .*\); the columns are: foo, p_0, p_1\. Name the label column with --label-column NAME$/);
  });

  it('reports an over-long line (no newline in megabytes) without hanging', async () => {
    // Past the first 64 KiB (read whole to sniff the delimiter), rows are bounded by maxRowBytes.
    const text = 'label,p\n' + '1,0.5\n'.repeat(20000) + 'x'.repeat(300000) + '\n0,0.25\n';
    const { messages, rows } = await readText('long.csv', text, { maxRowBytes: 100000, skipInvalid: true }, 4096);
    assert.deepEqual(messages, ['long.csv:20002:1: warning: line longer than 97 KiB: not a prediction row (binary data, or a quote that is never closed?) (row skipped)']);
    assert.deepEqual(rows.slice(-2).map((r) => r.line), [20001, 20003]);
    // Met while sampling the first rows, it keeps its place in the row order.
    const early = 'label,p\n1,0.5\n' + 'x'.repeat(100000) + '\n' + '0,0.25\n'.repeat(20000);
    const e = await readText('early.csv', early, { maxRowBytes: 10000, skipInvalid: true, sampleRows: 5 }, 4096);
    assert.deepEqual(e.messages, ['early.csv:3:1: warning: line longer than 9 KiB: not a prediction row (binary data, or a quote that is never closed?) (row skipped)']);
    assert.deepEqual(e.rows.slice(0, 2).map((r) => [r.row, r.line]), [[0, 2], [2, 4]]);
    assert.equal(rows.length, 20001);
  });
});

describe('layout inference', () => {
  it('reads logits when values fall outside [0, 1], with the evidence', async () => {
    const { result } = await readText('l.csv', 'label,logit_0,logit_1,logit_2\n0,2.5,-1,0.3\n2,0.1,0.2,3.5\n');
    assert.equal(result.layout.input, 'logits');
    assert.ok(result.layout.evidence.includes('values outside [0, 1] in 2 of the first 2 rows, first in column logit_0 (line 2: 2.5): read as logits'), result.layout.evidence.join('\n'));
  });

  it('reads rows of [0, 1] values that do not sum to 1 as probabilities, said as an assumption with the logits reading', async () => {
    const { result } = await readText('l.csv', 'label,s_a,s_b\n0,0.5,0.9\n1,0.1,0.2\n', { overrides: { predColumns: ['s_a', 's_b'] } });
    assert.equal(result.layout.input, 'probs');
    const text = 'values in [0, 1] but 2 of the first 2 rows do not sum to 1 (line 2 sums to 1.4): read as probabilities, each row as it is (not renormalised)';
    assert.ok(result.layout.evidence.includes(text), result.layout.evidence.join('\n'));
    assert.deepEqual(result.layout.assumptions, [
      { text, short: 'probabilities', taken: { input: 'probs' }, other: { input: 'logits' }, otherLabel: 'read as logits' },
    ]);
  });

  it('reads the same rows as logits when the columns are named so', async () => {
    const { result } = await readText('l.csv', 'label,logit_a,logit_b\n0,0.5,0.9\n1,0.1,0.2\n');
    assert.equal(result.layout.input, 'logits');
    assert.ok(result.layout.evidence.includes('values in [0, 1] but 2 of the first 2 rows do not sum to 1 (line 2 sums to 1.4) and the columns are named logit_a: read as logits'), result.layout.evidence.join('\n'));
  });

  it('maps string labels by sorted order when no column names the classes, and says so', async () => {
    const { result, rows } = await readText('s.csv', 'label,p_0,p_1,p_2\nzebra,0.2,0.3,0.5\nant,0.6,0.2,0.2\nbee,0.1,0.8,0.1\n');
    assert.deepEqual(result.layout.classNames, ['ant', 'bee', 'zebra']);
    assert.deepEqual(rows.map((r) => r.target), [2, 0, 1]);
    assert.ok(result.layout.evidence.some((e) => e.startsWith('class names ant, bee, zebra: the distinct labels of the first 3 rows in sorted order')));
  });

  it('finds prediction columns named after the classes', async () => {
    const { result, rows } = await readText('c.csv', 'truth,dog,cat\ncat,0.3,0.7\ndog,0.9,0.1\n');
    assert.deepEqual(result.layout.predictionColumns, ['dog', 'cat']);
    assert.deepEqual(result.layout.classNames, ['dog', 'cat']);
    assert.deepEqual(rows.map((r) => r.target), [1, 0]);
  });

  it('reads one-hot and multi-hot target columns', async () => {
    const onehot = await readText('o.csv', 'y_0,y_1,p_0,p_1\n1,0,0.7,0.3\n0,1,0.2,0.8\n');
    assert.equal(onehot.result.layout.targetKind, 'onehot');
    assert.equal(onehot.result.layout.kind, 'ce');
    const multi = await readText('m.csv', 'label_a,label_b,p_a,p_b\n1,1,0.7,0.3\n0,0,0.2,0.8\n');
    assert.equal(multi.result.layout.targetKind, 'multihot');
    assert.equal(multi.result.layout.kind, 'multilabel');
    assert.deepEqual(multi.rows.map((r) => r.target), [[1, 1], [0, 0]]);
    assert.ok(multi.result.layout.evidence.includes('targets are 0/1 vectors with 2 ones on line 2: multi-label (one sigmoid per label)'), multi.result.layout.evidence.join('\n'));
  });

  it('honours every override', async () => {
    const text = 'gold,a,b,w\n1,0.2,0.8,2\n0,0.6,0.4,1\n';
    const { result, rows } = await readText('o.csv', text, {
      overrides: { labelColumn: 'gold', predColumns: ['a', 'b'], kind: 'ce', input: 'logits', classNames: ['neg', 'pos'], weightColumn: 'w' },
    });
    assert.equal(result.ok, true, result.problems.map((p) => p.message).join());
    assert.equal(result.layout.labelColumn, 'gold');
    assert.equal(result.layout.input, 'logits');
    assert.deepEqual(result.layout.classNames, ['neg', 'pos']);
    assert.deepEqual(rows.map((r) => [r.target, r.weight]), [[1, 2], [0, 1]]);
    assert.ok(result.layout.evidence.includes('input read as logits (set by the user)'));
    const bad = await readText('o.csv', text, { overrides: { labelColumn: 'nope' } });
    assert.deepEqual(bad.messages, ['o.csv:1: label column "nope" not found; the columns are: gold, a, b, w']);
    const kind = await readText('o.csv', text, { overrides: { kind: 'bce', predColumns: ['a', 'b'] } });
    assert.deepEqual(kind.messages, ['o.csv:1: kind bce needs one prediction per row; found 2 (a, b)']);
  });

  it('recognises hard predicted labels for what they are', async () => {
    const multi = await readText('h.csv', 'y_true,y_pred\n3,3\n1,2\n0,0\n');
    assert.deepEqual(multi.messages, [
      'h.csv:1: column y_pred holds whole numbers up to 3: predicted class labels, not probabilities or logits; cross-entropy needs a score per class (name those columns with --pred-columns A,B,...)',
    ]);
    const binary = await readText('b.csv', 'y_true,y_pred\n1,1\n1,0\n0,0\n');
    assert.equal(binary.result.ok, true);
    assert.ok(binary.result.layout.evidence.includes('warning: every value of y_pred in the first 3 rows is exactly 0 or 1: hard predictions give infinite losses wherever they are wrong'));
  });

  it('reports progress and stops when cancelled', async () => {
    const text = 'label,p\n' + '1,0.5\n'.repeat(600000);
    const seen: number[] = [];
    const done = await readText('p.csv', text, { onProgress: (b) => seen.push(b) }, 1 << 16);
    assert.equal(done.result.rows, 600000);
    assert.ok(seen.length >= 3 && seen.every((b, i) => b > (seen[i - 1] ?? 0) && b <= text.length), String(seen));
    const controller = new AbortController();
    let delivered = 0;
    const { result, messages } = await readAll(bytesSource('p.csv', text, 1 << 16), {}, undefined, () => {
      if (++delivered === 1000) controller.abort();
    }, controller.signal);
    assert.equal(result.ok, false);
    assert.deepEqual(messages, ['p.csv: read cancelled']);
    assert.ok(result.rows < 600000);
  });

  it('sniffs formats by name and content', () => {
    const b = (s: string) => new TextEncoder().encode(s);
    assert.equal(sniffFormat('x.csv', b('a,b\n')).format, 'csv');
    assert.equal(sniffFormat('x.tsv.gz', b('a\tb\n')).format, 'tsv');
    assert.equal(sniffFormat('x.json', b('{"a": 1}\n{"a": 2}\n')).format, 'jsonl');
    assert.equal(sniffFormat('x.json', b('{\n "a": [1]\n}')).format, 'json');
    assert.equal(sniffFormat('x.txt', b(' [{"a": 1}]')).format, 'json');
    assert.equal(sniffFormat('x.ndjson', b('{"a": 1}')).format, 'jsonl');
  });
});

describe('byte-range reads (splitting a file across workers)', () => {
  const text = sample('digits.csv');
  const src = () => bytesSource('digits.csv', text, 5000);

  async function viaRanges(parts: number, useFirstLine: boolean): Promise<Row[]> {
    const layout = (await readLayout(src())).layout;
    const all: Row[] = [];
    let rowBase = 0;
    let lineBase = 0;
    for (const range of splitRanges(text.length, parts)) {
      const firstLine = useFirstLine ? await firstLineOfRange(src(), range.start) : undefined;
      const { result, rows } = await readAll(src(), { layout, range, ...(firstLine !== undefined ? { firstLine } : {}) });
      assert.equal(result.ok, true);
      assert.equal(result.splitUnsafe, false);
      for (const r of rows) all.push({ ...r, row: r.row + rowBase, line: useFirstLine ? r.line : r.line + lineBase });
      rowBase += result.rows;
      lineBase += result.newlines;
    }
    return all;
  }

  it('gives the same rows and line numbers as one pass, with either line strategy', async () => {
    const one = (await readAll(src())).rows;
    for (const parts of [2, 3, 7]) {
      assert.deepEqual(await viaRanges(parts, true), one, `${parts} parts, firstLineOfRange`);
      assert.deepEqual(await viaRanges(parts, false), one, `${parts} parts, newline offsets`);
    }
  });

  it('flags a quoted newline so the caller falls back to one reader', async () => {
    const t = 'id,label,p\n"a\nb",1,0.5\n"c",0,0.5\n';
    const first = await readAll(bytesSource('q.csv', t));
    assert.equal(first.result.layout.quotedNewlines, true);
    const layout = first.result.layout;
    const r = await readAll(bytesSource('q.csv', t), { layout, range: { start: 0, end: 14 } });
    assert.equal(r.result.splitUnsafe, true);
  });

  it('plans ranges only when splitting is safe and worth it', async () => {
    const layout = (await readLayout(src())).layout;
    assert.deepEqual(planRanges(layout, 20e6, 2), [{ start: 0, end: 10e6 }, { start: 10e6, end: 20e6 }]);
    assert.equal(planRanges(layout, 1e6, 2), undefined);
    assert.equal(planRanges(layout, undefined, 2), undefined);
    assert.equal(planRanges({ ...layout, quotedNewlines: true }, 20e6, 2), undefined);
    assert.equal(planRanges({ ...layout, format: 'json' }, 20e6, 2), undefined);
  });

  it('splits a binary file by rows: four pieces a reader, or one at row group starts where a piece costs to start', async () => {
    const text = (await readLayout(src())).layout;
    const npy = { ...text, format: 'npy' as const, splitRows: 1000 };
    assert.deepEqual(planRanges(npy, 20e6, 2)?.map((r) => r.end), [125, 250, 375, 500, 625, 750, 875, 1000]);
    // One row group (no split point): one piece a reader, each starting once inside it.
    assert.deepEqual(planRanges({ ...npy, format: 'parquet', splitPoints: [] }, 20e6, 2), [{ start: 0, end: 500 }, { start: 500, end: 1000 }]);
    // Ten row groups of 100 rows: one piece a reader, cut at the group start nearest the even cut.
    const groups = [100, 200, 300, 400, 500, 600, 700, 800, 900];
    assert.deepEqual(planRanges({ ...npy, format: 'parquet', splitPoints: groups }, 20e6, 2), [{ start: 0, end: 500 }, { start: 500, end: 1000 }]);
    assert.deepEqual(planRanges({ ...npy, format: 'parquet', splitPoints: [100, 350, 900] }, 20e6, 2), [{ start: 0, end: 350 }, { start: 350, end: 1000 }]);
    assert.deepEqual(planRanges({ ...npy, format: 'arrow', splitPoints: groups }, 20e6, 3)?.map((r) => r.end), [300, 700, 1000]);
    // Fewer groups than readers: even cuts, each reader starting once inside a group.
    assert.deepEqual(planRanges({ ...npy, format: 'arrow', splitPoints: [600] }, 20e6, 4)?.map((r) => r.end), [250, 500, 750, 1000]);
  });

  it('caps the rows read with limitRows', async () => {
    const { result, rows } = await readAll(src(), { limitRows: 5 });
    assert.equal(rows.length, 5);
    assert.equal(result.rows, 5);
  });
});
