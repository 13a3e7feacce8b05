/**
 * Files as numpy and Excel write them: np.savetxt (runs of spaces, `%.18e`, no header or a `# `
 * header, `.txt`), headerless CSV, and European Excel CSV (`;` and decimal commas).
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { analyze, type AnalysisRequest } from '../../src/core/analyze';
import { sampleAtLine } from '../../src/core/explain';
import { CsvTokenizer, rowTexts, sniffDelimiter, WHITESPACE, type CsvRow } from '../../src/core/parse/csv';
import { parseFloatBytes } from '../../src/core/parse/float';
import { headerlessColumns, headerlessHints } from '../../src/core/parse/headerless';
import { bytesSource } from '../../src/core/parse/memory-source';
import { firstLineOfRange, readLayout, readSamples, sniffFormat, splitRanges } from '../../src/core/parse/read';
import type { Layout } from '../../src/core/parse/types';
import { DEFAULT_OPTIONS } from '../../src/core/types';
import { readAll, readText, type Row } from './parse-helpers';

const enc = new TextEncoder();
const request: AnalysisRequest = { loss: { ...DEFAULT_OPTIONS }, overrides: {}, skipInvalid: false, topK: 5, calibrationBins: 10 };

/** Labels and softmax rows of K classes, the same every run. */
function predictions(n: number, K: number, seed = 7): { y: number[]; p: number[][] } {
  let x = seed;
  const rand = (): number => (x = (x * 16807) % 2147483647) / 2147483647;
  const y: number[] = [];
  const p: number[][] = [];
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: K }, () => rand() * 4);
    const e = z.map(Math.exp);
    const s = e.reduce((a, b) => a + b, 0);
    y.push(Math.floor(rand() * K));
    p.push(e.map((v) => v / s));
  }
  return { y, p };
}

/** numpy's `%.18e`: 19 significant digits, a two-digit exponent at least. */
function e18(v: number): string {
  const [m, e] = v.toExponential(18).split('e');
  const x = Number(e);
  return `${m}e${x < 0 ? '-' : '+'}${String(Math.abs(x)).padStart(2, '0')}`;
}

/** What np.savetxt(fname, np.column_stack([y, p]), fmt, delimiter, header, comments) writes. */
function savetxt(y: number[], p: number[][], o: { fmt?: (v: number) => string; delimiter?: string; header?: string; comments?: string } = {}): string {
  const fmt = o.fmt ?? e18;
  const d = o.delimiter ?? ' ';
  const head = o.header !== undefined ? `${o.comments ?? '# '}${o.header}\n` : '';
  return head + y.map((label, i) => [label, ...p[i]!].map(fmt).join(d) + '\n').join('');
}

/** The rows a file should give: each label and its predictions as numpy wrote and Number() reads them. */
function expected(y: number[], p: number[][], fmt: (v: number) => string, firstLine: number): Row[] {
  return y.map((label, i) => ({ row: i, line: firstLine + i, prediction: p[i]!.map((v) => Number(fmt(v))), target: Number(fmt(label)) }));
}

describe('np.savetxt files', () => {
  const { y, p } = predictions(40, 3);

  it('reads the default output (runs of spaces, %.18e, no header, .txt): labels in column 1, exact numbers, lines from 1', async () => {
    const text = savetxt(y, p);
    assert.match(text, /^\d\.0{18}e\+00 \d\.\d{18}e-\d\d /);
    const { result, rows, messages } = await readText('preds.txt', text, {}, 1000);
    assert.deepEqual(messages, []);
    const l = result.layout;
    assert.equal(l.delimiter, ' ');
    assert.equal(l.header, 'none');
    assert.deepEqual(l.columns, ['column 1', 'column 2', 'column 3', 'column 4']);
    assert.equal(l.labelColumn, 'column 1');
    assert.deepEqual(l.predictionColumns, ['column 2', 'column 3', 'column 4']);
    assert.equal(l.kind, 'ce');
    assert.equal(l.input, 'probs');
    assert.deepEqual(rows, expected(y, p, e18, 1));
    assert.equal(l.evidence[0], 'format: delimited text (the name ends in .txt), read as CSV with the delimiter sniffed');
    assert.match(l.evidence[1]!, /^delimiter: whitespace \(runs of spaces and tabs, as numpy's savetxt writes them: 4 fields on the first line/);
    assert.ok(
      l.evidence.includes(
        "assumed: column 1 holds the labels: of the first and the last column, only it holds whole numbers in 0..2 (class indices for the 3 other columns) in the first 40 rows; if the labels are in another column, name it with --label-column 'column N'",
      ),
      l.evidence.join('\n'),
    );
  });

  it('reads fixed-width columns (fmt=%10.5f: leading spaces, runs of spaces, CRLF)', async () => {
    const fmt = (v: number): string => v.toFixed(5).padStart(10);
    const text = savetxt(y, p, { fmt }).replace(/\n/g, '\r\n');
    assert.ok(text.startsWith('   '));
    const { result, rows, messages } = await readText('preds.dat', text, {}, 64);
    assert.deepEqual(messages, []);
    assert.equal(result.layout.labelColumn, 'column 1');
    assert.deepEqual(rows, expected(y, p, fmt, 1));
  });

  it('takes the names from the `# ` header line np.savetxt writes with header=, rows from line 2', async () => {
    const text = savetxt(y, p, { header: 'label p0 p1 p2' });
    const { result, rows, messages } = await readText('preds.txt', text);
    assert.deepEqual(messages, []);
    assert.equal(result.layout.header, 'comment');
    assert.deepEqual(result.layout.columns, ['label', 'p0', 'p1', 'p2']);
    assert.equal(result.layout.labelColumn, 'label');
    assert.deepEqual(rows, expected(y, p, e18, 2));
    assert.ok(result.layout.evidence.includes('column names from the comment on line 1 (# label p0 p1 p2), as np.savetxt writes header='));
    // Several comment lines (a multi-line header=): the last one names the columns.
    const two = await readText('preds.txt', savetxt(y, p, { header: 'run 7, epoch 3\nlabel p0 p1 p2' }));
    assert.deepEqual(two.result.layout.columns, ['label', 'p0', 'p1', 'p2']);
    assert.deepEqual(two.rows, expected(y, p, e18, 3));
  });

  it("reads delimiter=',' with a plain header (comments=''), with a `# ` header, and with none", async () => {
    const plain = await readText('p.csv', savetxt(y, p, { delimiter: ',', header: 'label,p0,p1,p2', comments: '' }));
    assert.deepEqual(plain.messages, []);
    assert.equal(plain.result.layout.header, undefined);
    assert.deepEqual(plain.rows, expected(y, p, e18, 2));
    const hashed = await readText('p.csv', savetxt(y, p, { delimiter: ',', header: 'label,p0,p1,p2' }));
    assert.equal(hashed.result.layout.header, 'comment');
    assert.deepEqual(hashed.result.layout.predictionColumns, ['p0', 'p1', 'p2']);
    assert.deepEqual(hashed.rows, expected(y, p, e18, 2));
    const none = await readText('p.csv', savetxt(y, p, { delimiter: ',' }));
    assert.equal(none.result.layout.header, 'none');
    assert.equal(none.result.layout.delimiter, ',');
    assert.equal(none.result.layout.labelColumn, 'column 1');
    assert.deepEqual(none.rows, expected(y, p, e18, 1));
  });

  it('gives the same mean with and without the header, and in either delimiter', async () => {
    const texts = [savetxt(y, p), savetxt(y, p, { header: 'label p0 p1 p2' }), savetxt(y, p, { delimiter: ',', header: 'y,p0,p1,p2', comments: '' }), savetxt(y, p, { delimiter: '\t' })];
    const means = await Promise.all(texts.map(async (t) => (await analyze(bytesSource('p.txt', t), request)).breakdown.mean));
    assert.ok(means.every((m) => m === means[0]), means.join(' '));
    let sum = 0;
    y.forEach((label, i) => (sum += -Math.log(Number(e18(p[i]![label]!)))));
    assert.ok(Math.abs(means[0]! - sum / y.length) < 1e-14);
  });

  it('finds a binary label in the first or the last column (0/1 beside one probability)', async () => {
    const yb = y.map((v) => v % 2);
    const pb = p.map((r) => r[0]!);
    const first = await readText('b.txt', yb.map((v, i) => `${e18(v)} ${e18(pb[i]!)}\n`).join(''));
    assert.equal(first.result.layout.kind, 'bce');
    assert.equal(first.result.layout.labelColumn, 'column 1');
    const last = await readText('b.txt', yb.map((v, i) => `${e18(pb[i]!)} ${e18(v)}\n`).join(''));
    assert.equal(last.result.layout.labelColumn, 'column 2');
    assert.deepEqual(last.result.layout.predictionColumns, ['column 1']);
    assert.deepEqual(last.rows.map((r) => [r.target, r.prediction[0]]), first.rows.map((r) => [r.target, r.prediction[0]]));
  });

  it('reports a bad value and a short row at their line and column', async () => {
    const lines = savetxt(y.slice(0, 4), p.slice(0, 4), { fmt: (v) => v.toFixed(5).padStart(10) }).split('\n');
    lines[1] = '   1.00000    0.03642       nan    0.42642';
    lines[2] = '   2.00000    0.03642    0.5';
    lines[3] = '   0.00000    0.03642    0.5x   0.4';
    const { messages } = await readText('f.txt', lines.join('\n'));
    assert.deepEqual(messages, [
      'f.txt:2:29: found NaN (column 3): values must be finite numbers',
      'f.txt:3:29: expected 4 fields (as in the first line), found 3',
      'f.txt:4:26: expected a number, found "0.5x"',
    ]);
  });

  it('refuses a headerless file whose label column is ambiguous or missing, naming --label-column; the flag then reads it', async () => {
    // Both end columns hold 0/1 (class indices of two classes): which is the label?
    const both = '1 0.5 0\n0 0.5 1\n1 0.25 1\n';
    const refused = await readText('a.txt', both);
    assert.equal(refused.result.ok, false);
    assert.deepEqual(refused.messages, [
      "a.txt:1: the file has no header (the first line holds only numbers), so its columns are named column 1 .. column 3, and which one holds the labels is unclear: both column 1 and column 3 hold only whole numbers in 0..1 (class indices for the 2 other columns) in the first 3 rows. Name it with --label-column 'column N', e.g. --label-column 'column 1'",
    ]);
    const named = await readText('a.txt', both, { overrides: { labelColumn: 'column 3' }, skipInvalid: true });
    assert.equal(named.result.layout.labelColumn, 'column 3');
    assert.deepEqual(named.result.layout.predictionColumns, ['column 1', 'column 2']);
    assert.ok(named.result.layout.evidence.includes('label column "column 3" (set by the user)'));
    // Labels in the middle, or 1-based: not guessed either.
    const none = await readText('m.csv', '0.2,2,0.8\n0.6,1,0.4\n');
    assert.deepEqual(none.messages, [
      "m.csv:1: the file has no header (the first line holds only numbers), so its columns are named column 1 .. column 3, and which one holds the labels is unclear: neither the first nor the last column holds only whole numbers in 0..1 (class indices for the 2 other columns) in the first 2 rows. Name it with --label-column 'column N', e.g. --label-column 'column 1'",
    ]);
    const middle = await readText('m.csv', '0.2,1,0.8\n0.6,0,0.4\n', { overrides: { labelColumn: 'Column 2' } });
    assert.deepEqual(middle.messages, []);
    assert.equal(middle.result.layout.labelColumn, 'column 2');
    assert.deepEqual(middle.rows.map((r) => [r.target, ...r.prediction]), [[1, 0.2, 0.8], [0, 0.6, 0.4]]);
    // A name that is not a column is refused with the columns listed.
    const wrong = await readText('m.csv', '0.2,1,0.8\n0.6,0,0.4\n', { overrides: { labelColumn: '2' } });
    assert.match(wrong.messages[0]!, /label column "2" not found; the columns are: column 1, column 2, column 3/);
  });

  it("reads pandas' default names 0..n-1 as names, not as a row, when the rows below are written otherwise", async () => {
    const text = '0,1,2,3\n' + y.slice(0, 5).map((v, i) => [v.toFixed(1), ...p[i]!.map(String)].join(',')).join('\n') + '\n';
    const { result, rows, messages } = await readText('df.csv', text);
    assert.deepEqual(messages, []);
    assert.equal(result.layout.header, undefined);
    assert.deepEqual(result.layout.columns, ['0', '1', '2', '3']);
    assert.equal(result.layout.labelColumn, '0');
    assert.deepEqual(rows.map((r) => r.line), [2, 3, 4, 5, 6]);
    // A file of whole numbers throughout: the first line is a row like the others.
    const ints = await readText('i.csv', '0,1\n1,1\n0,0\n', { overrides: { labelColumn: 'column 1' } });
    assert.equal(ints.result.layout.header, 'none');
    assert.equal(ints.rows.length, 3);
  });

  it('reads by byte ranges with the layout, as the parallel reader does: the same rows as one pass', async () => {
    const big = predictions(3000, 4, 11);
    for (const text of [savetxt(big.y, big.p), savetxt(big.y, big.p, { header: 'label a b c d' }), savetxt(big.y, big.p, { delimiter: ',' })]) {
      const bytes = enc.encode(text);
      const layout = (await readLayout(bytesSource('r.txt', bytes))).layout;
      const whole = await readAll(bytesSource('r.txt', bytes));
      const parts: Row[] = [];
      for (const range of splitRanges(bytes.length, 3)) {
        const source = bytesSource('r.txt', bytes, 4096);
        const got = await readAll(source, { layout, range, firstLine: await firstLineOfRange(source, range.start) });
        assert.deepEqual(got.messages, []);
        const before = parts.length;
        for (const r of got.rows) parts.push({ ...r, row: r.row + before });
      }
      assert.equal(whole.rows.length, 3000);
      assert.deepEqual(parts, whole.rows);
      // Read again from the start with the layout (a worker's first range, sampleOnLine): the same.
      assert.deepEqual((await readAll(bytesSource('r.txt', bytes), { layout })).rows, whole.rows);
    }
  });

  it('reads a headerless line on its own for a hover', async () => {
    const text = savetxt(y.slice(0, 3), p.slice(0, 3));
    const layout = (await readLayout(bytesSource('h.txt', text))).layout;
    for (const line of [1, 3]) {
      const hit = await sampleAtLine(text, 'h.txt', layout, line);
      assert.equal(hit.kind, 'sample');
      if (hit.kind === 'sample') assert.deepEqual(Array.from(hit.sample.prediction), p[line - 1]!.map((v) => Number(e18(v))));
    }
  });

  it('names headerless columns from 1 and guesses only from the two ends', () => {
    assert.deepEqual(headerlessColumns(3), ['column 1', 'column 2', 'column 3']);
    const cols = headerlessColumns(4);
    assert.equal(headerlessHints(cols, [[0, 0.2, 0.3, 0.5], [2, 0.1, 0.1, 0.8]]).labelColumn, 'column 1');
    assert.equal(headerlessHints(cols, [[0.2, 0.3, 0.5, 1], [0.1, 0.1, 0.8, 2]]).labelColumn, 'column 4');
    // 3 is no class index for three prediction columns; blank cells are not evidence either way.
    assert.equal(headerlessHints(cols, [[3, 0.2, 0.3, 0.5]]).labelColumn, undefined);
    assert.equal(headerlessHints(cols, [[1, 0.2, 0.3, 0.5], ['', 0.1, 0.1, 0.8]]).labelColumn, 'column 1');
    // The user's prediction columns leave only the other end.
    const h = headerlessHints(cols, [[1, 0.2, 0.3, 1]], { predColumns: ['column 1', 'column 2', 'column 3'] });
    assert.equal(h.labelColumn, 'column 4');
    assert.equal(h.predColumns, undefined);
  });
});

describe('European Excel CSV (sep=";", decimal=",")', () => {
  const { y, p } = predictions(300, 3, 5);
  const dot = 'label,p0,p1,p2\n' + y.map((v, i) => [v, ...p[i]!].map(String).join(',')).join('\n') + '\n';
  const euro = 'label;p0;p1;p2\r\n' + y.map((v, i) => [v, ...p[i]!].map((x) => String(x).replace('.', ',')).join(';')).join('\r\n') + '\r\n';

  it('sniffs the semicolon and the decimal commas, said in the evidence', async () => {
    const { result, messages } = await readText('eu.csv', euro);
    assert.deepEqual(messages, []);
    assert.equal(result.layout.delimiter, ';');
    assert.equal(result.layout.decimalComma, true);
    assert.match(result.layout.evidence[2]!, /^decimal commas \(European Excel CSV\): 0,\d+ is read as 0\.\d+ \(\d+ such numbers in the first 21 lines, none with a decimal point\)$/);
  });

  it('parses decimal commas exactly: the same rows and the same mean as the dot version', async () => {
    const a = await readText('dot.csv', dot, {}, 333);
    const b = await readText('eu.csv', euro, {}, 333);
    assert.deepEqual(b.rows.map((r) => [r.target, ...r.prediction]), a.rows.map((r) => [r.target, ...r.prediction]));
    const [ma, mb] = [await analyze(bytesSource('dot.csv', dot), request), await analyze(bytesSource('eu.csv', euro), request)];
    assert.equal(mb.breakdown.mean, ma.breakdown.mean);
    assert.deepEqual(mb.breakdown.classes, ma.breakdown.classes);
    assert.equal(mb.breakdown.count, 300);
  });

  it('reads a headerless one, and reports a bad number at its line and column', async () => {
    const headerless = euro.split('\r\n').slice(1).join('\n');
    const h = await readText('eu.csv', headerless);
    assert.equal(h.result.layout.header, 'none');
    assert.equal(h.result.layout.labelColumn, 'column 1');
    assert.equal(h.result.layout.decimalComma, true);
    assert.deepEqual(h.rows.map((r) => r.prediction), p);
    // A decimal point past the sniffed lines is a bad value there, not a second convention.
    const bad = 'label;p0;p1\n1;0,5;0,5\n0;0,25;0,7x5\n1;1,5e-01;8,5E-1\n' + '0;0,5;0,5\n'.repeat(30) + '0;0.5;0,5\n';
    const { rows, messages } = await readText('bad.csv', bad, { skipInvalid: true });
    assert.deepEqual(messages, [
      'bad.csv:3:8: warning: expected a number, found "0,7x5" (row skipped)',
      'bad.csv:35:3: warning: expected a number, found "0.5" (row skipped)',
    ]);
    assert.deepEqual(rows.slice(0, 2).map((r) => [r.line, r.target, ...r.prediction]), [[2, 1, 0.5, 0.5], [4, 1, 0.15, 0.85]]);
    assert.equal(rows.length, 32);
    // Within the sniffed lines, numbers written both ways are no evidence for decimal commas.
    const mixed = await readText('mixed.csv', 'label;p0;p1\n1;0,5;0,5\n0;0.5;0.5\n');
    assert.equal(mixed.result.layout.decimalComma, undefined);
  });

  it('takes a semicolon over the comma inside the numbers, and only when no number has a decimal point', () => {
    assert.deepEqual(sniffDelimiter('1;0,8734;0,1266\n0;0,5;0,5\n'), {
      delimiter: ';',
      evidence: 'delimiter: semicolon (2 on the first line, the same count on the following lines)',
      decimalComma: true,
      decimalEvidence: 'decimal commas (European Excel CSV): 0,8734 is read as 0.8734 (4 such numbers in the first 2 lines, none with a decimal point)',
    });
    assert.equal(sniffDelimiter('a;b\n1;0.5\n').decimalComma, undefined);
    assert.equal(sniffDelimiter('a;b;c\n1;0,5;0.5\n').decimalComma, undefined);
    assert.equal(sniffDelimiter('a,b\n1,5\n').delimiter, ',');
    // Quoted fields are not looked at.
    assert.equal(sniffDelimiter('a;b\n"1,5";2\n').decimalComma, undefined);
    assert.equal(sniffDelimiter('# label p0\n1 0.5\n0 0.25\n').delimiter, ' ');
    assert.equal(sniffDelimiter('label\n1\n').delimiter, ',');
    assert.equal(sniffFormat('p.dat', enc.encode('1 2\n')).format, 'csv');
  });

  it('parseFloatBytes reads `,` as the point when asked, Number() of the dotted text (also on its careful path)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.stringMatching(/^-?[0-9]{1,20}\.[0-9]{1,20}(e[+-]?[0-9]{1,3})?$/)), (text) => {
        if (!text.includes('.')) return;
        const comma = enc.encode(text.replace('.', ','));
        const want = Number(text);
        assert.ok(Object.is(parseFloatBytes(comma, 0, comma.length, 44), want), text);
        assert.ok(Number.isNaN(parseFloatBytes(enc.encode(text), 0, text.length, 44)), `${text}: a point is not a number in a decimal-comma file`);
      }),
      { numRuns: 1000 },
    );
  });
});

/** Tokenizes text in chunks of `size` bytes: each row's fields, values and line. */
function tokenize(text: string, size: number, opts: { delimiter: number; decimalComma?: boolean }): { fields: string[]; values: number[]; line: number }[] {
  const bytes = enc.encode(text);
  const t = new CsvTokenizer(opts);
  const out: { fields: string[]; values: number[]; line: number }[] = [];
  const onRow = (r: CsvRow): void => void out.push({ fields: rowTexts(r), values: Array.from(r.values.subarray(0, r.count)), line: r.line });
  for (let i = 0; i < bytes.length; i += size) t.push(bytes.slice(i, i + size), onRow);
  t.end(onRow);
  return out;
}

describe('tokenizer: whitespace and decimal commas', () => {
  it('splits on runs of spaces and tabs, leading and trailing ones ignored, at any chunk boundary', () => {
    const text = '  1.5   2\t\t3e-1 \r\n\n   \n4 5x  6\n7';
    const want = [
      { fields: ['1.5', '2', '3e-1'], values: [1.5, 2, 0.3], line: 1 },
      { fields: ['4', '5x', '6'], values: [4, Number.NaN, 6], line: 4 },
      { fields: ['7'], values: [7], line: 5 },
    ];
    for (let size = 1; size <= text.length; size++) assert.deepEqual(tokenize(text, size, { delimiter: WHITESPACE }), want, `chunk size ${size}`);
  });

  it('reads a decimal-comma field on the scan exactly as the dotted field (plain rows, any chunk boundary)', () => {
    const decimal = fc
      .tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,3}$/), fc.stringMatching(/^[0-9]{0,17}$/), fc.constantFrom('', 'e-3', 'E2', 'x', ' '))
      .map(([neg, i, f, tail]) => `${neg ? '-' : ''}${i}${f === '' ? '' : '.' + f}${tail}`);
    fc.assert(
      fc.property(fc.array(fc.array(decimal, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 40 }), (rows, chunk) => {
        const dotted = tokenize(rows.map((r) => r.join(',')).join('\n') + '\n', chunk, { delimiter: 44 });
        const commas = tokenize(rows.map((r) => r.map((f) => f.replace('.', ',')).join(';')).join('\n') + '\n', chunk, { delimiter: 59, decimalComma: true });
        assert.deepEqual(commas.map((r) => r.values), dotted.map((r) => r.values));
      }),
      { numRuns: 500 },
    );
  });

  it('batches decimal-comma rows as it batches dotted ones: the same rows, lines and problems, whole and in ranges', async () => {
    const good = fc.tuple(fc.nat({ max: 2 }), fc.nat({ max: 1000 }), fc.nat({ max: 1000 })).map(([y, a, b]) => [String(y), String(a / 1000), (b / 1000).toFixed(b % 7)]);
    const odd = fc.constantFrom(['1', '0.5'], ['3', '0.5', '0.5'], ['1', '1.5', '0.5'], ['1.5', '0.5', '0.5'], ['1', 'abc', '0.5'], ['1', '5e-1', '2.5E-1'], ['0', '0.12345678901234567', '0.5']);
    const file = fc.tuple(fc.array(fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: odd }), { minLength: 1, maxLength: 60 }), fc.constantFrom('\n', '\r\n'));
    await fc.assert(
      fc.asyncProperty(file, fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 3 }), async ([rows, eol], chunk, parts) => {
        const dot = ['label,p_a,p_b', ...rows.map((r) => r.join(','))].join(eol) + eol;
        const euro = ['label;p_a;p_b', ...rows.map((r) => r.map((f) => f.replace('.', ',')).join(';'))].join(eol) + eol;
        const base = (text: string, decimalComma: boolean): Layout => ({
          format: 'csv', kind: 'ce', input: 'probs', labelColumn: 'label', labelEncoding: 'index', targetKind: 'sparse', predictionColumns: ['p_a', 'p_b'],
          predictionIsVector: false, classNames: ['a', 'b'], numClasses: 2, columns: ['label', 'p_a', 'p_b'], evidence: [], delimiter: text === dot ? ',' : ';', ...(decimalComma ? { decimalComma } : {}),
        });
        const read = async (text: string, decimalComma: boolean) => {
          const bytes = enc.encode(text);
          const out: unknown[] = [];
          for (const range of parts === 1 ? [undefined] : splitRanges(bytes.length, parts)) {
            const r = await analyzeRows(bytes, chunk, { layout: base(text, decimalComma), skipInvalid: true, range, firstLine: range && range.start > 0 ? 1 : undefined });
            out.push(r);
          }
          return out;
        };
        assert.deepEqual(await read(euro, true), await read(dot, false));
      }),
      { numRuns: 200 },
    );
  });
});

/** Every row of a batched read ([row, line, label, ...predictions]) and its counts and problems. */
async function analyzeRows(bytes: Uint8Array, chunk: number, opts: Parameters<typeof readSamples>[1]): Promise<unknown> {
  const { RowBatch } = await import('../../src/core/batch');
  const rows: number[][] = [];
  const b = new RowBatch(2);
  const result = await readSamples(bytesSource('t.csv', bytes, chunk), {
    ...opts,
    batch: {
      batch: b,
      flush: () => {
        for (let i = 0; i < b.size; i++) rows.push([b.rows[i]!, b.lines[i]!, b.labels[i]!, ...b.preds.subarray(i * 2, (i + 1) * 2)]);
        b.size = 0;
      },
    },
  }, (s, row, line) => void rows.push([row, line, s.target as number, ...Array.from(s.prediction)]));
  // Problems name the field as written: `0,7` in one file is `0.7` in the other.
  const problems = [...result.problems, ...result.warnings].map((p) => ({ line: p.line, column: p.column }));
  return { rows, valid: result.valid, skipped: result.skipped, problems };
}
