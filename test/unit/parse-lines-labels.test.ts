/**
 * Labels with spaces in CSV, positions of problems inside JSON records, and files whose lines
 * end in a lone CR: each read checked for exact values and exact line:column positions.
 */
import { strict as assert } from 'node:assert';
import { concatBytes } from '../../src/core/parse/bytes';
import { namesList } from '../../src/core/parse/cells';
import { bytesSource } from '../../src/core/parse/memory-source';
import { onlyCrLineBreaks, readSamples, splitRanges } from '../../src/core/parse/read';
import { readText } from './parse-helpers';

describe('CSV labels with spaces', () => {
  it('reads an unquoted label "a b" as the class of column prob_a b', async () => {
    const { result, rows, messages } = await readText('x.csv', 'label,prob_a b,prob_c\na b,0.9,0.1\n');
    assert.deepEqual(messages, []);
    assert.equal(result.layout.labelEncoding, 'name');
    assert.deepEqual(result.layout.classNames, ['a b', 'c']);
    assert.deepEqual(rows, [{ row: 0, line: 2, prediction: [0.9, 0.1], target: 0 }]);
  });

  it('reads quoted labels with spaces, and trims the spaces around unquoted numbers', async () => {
    const { result, rows, messages } = await readText('x.csv', 'label,prob_a b,prob_c\n"a b",0.9,0.1\nc, 0.2 ,0.8\n" a b ",0.5,0.5\n');
    assert.deepEqual(messages, []);
    assert.deepEqual(result.layout.classNames, ['a b', 'c']);
    assert.deepEqual(rows.map((r) => [r.target, r.prediction]), [[0, [0.9, 0.1]], [1, [0.2, 0.8]], [0, [0.5, 0.5]]]);
  });

  it('takes a label with spaces as one name when no class names are known (sorted from the labels)', async () => {
    const { result, rows, messages } = await readText('x.csv', 'label,p_0,p_1\nnew york,0.9,0.1\nparis,0.3,0.7\n');
    assert.deepEqual(messages, []);
    assert.equal(result.layout.kind, 'ce');
    assert.deepEqual(result.layout.classNames, ['new york', 'paris']);
    assert.deepEqual(rows.map((r) => r.target), [0, 1]);
  });

  it('still reads space-separated lists of class names as multi-label when each word is a class', async () => {
    const { result, rows, messages } = await readText('x.csv', 'labels,p_cat,p_dog\ncat dog,0.9,0.8\ncat,0.7,0.1\n');
    assert.deepEqual(messages, []);
    assert.equal(result.layout.kind, 'multilabel');
    assert.deepEqual(rows.map((r) => r.target), [[1, 1], [1, 0]]);
  });

  it('reports an unknown label with its spaces, at its position', async () => {
    const { messages } = await readText('x.csv', 'label,prob_a b,prob_c\na b,0.9,0.1\nc,0.2,0.8\nc,0.4,0.6\na c,0.5,0.5\n', {}, 7);
    assert.deepEqual(messages, ['x.csv:5:1: label "a c" is not among the class names (a b, c)']);
  });

  it('namesList: spaces separate names only where every word is a name and the whole is not', () => {
    const names = new Set(['a b', 'a', 'b', 'cat', 'dog']);
    const isName = (n: string) => names.has(n);
    assert.deepEqual(namesList('a b', isName), ['a b']);
    assert.deepEqual(namesList('cat  dog', isName), ['cat', 'dog']);
    assert.deepEqual(namesList('cat bird', isName), ['cat bird']);
    assert.deepEqual(namesList('new york'), ['new york']);
    assert.deepEqual(namesList('cat|dog'), ['cat', 'dog']);
    assert.deepEqual(namesList('["cat", "dog"]'), ['cat', 'dog']);
  });
});

describe('JSON records: problems point at the value', () => {
  const records = '[\n  {"label": 0,\n   "probs": [0.9, "x"]},\n  {"label": 5, "probs": [0.2, 0.8]},\n  {"probs": [0.3, 0.7], "label": 1, "note": {"label": "x", "probs": [1]}}\n]\n';
  const jsonl = '{"label": 0, "probs": [0.9, "x"]}\n{"label": 5, "probs": [0.2, 0.8]}\n{"probs": [0.3, 0.7], "label": 1}\n';

  it('a non-numeric probability and a label out of range, at their own line:column', async () => {
    const { rows, messages } = await readText('r.json', records, { skipInvalid: true });
    assert.deepEqual(messages, [
      'r.json:3:13: warning: expected a number, found "x" (probs[1]) (row skipped)',
      'r.json:4:13: warning: label 5 is not a class index (0 to 1) (row skipped)',
    ]);
    assert.deepEqual(rows, [{ row: 2, line: 5, prediction: [0.3, 0.7], target: 1 }]);
  });

  it('as JSONL does for the same records (the value of the field, on its line)', async () => {
    const { messages } = await readText('r.jsonl', jsonl, { skipInvalid: true });
    assert.deepEqual(messages, [
      'r.jsonl:1:23: warning: expected a number, found "x" (probs[1]) (row skipped)',
      'r.jsonl:2:11: warning: label 5 is not a class index (0 to 1) (row skipped)',
    ]);
    // The same records on one line each, as a JSON array: the same columns, one more for "[".
    const oneLine = `[${jsonl.trim().split('\n').join(',\n ')}]`;
    const arr = await readText('r.json', oneLine, { skipInvalid: true });
    assert.deepEqual(arr.messages, [
      'r.json:1:24: warning: expected a number, found "x" (probs[1]) (row skipped)',
      'r.json:2:12: warning: label 5 is not a class index (0 to 1) (row skipped)',
    ]);
  });

  it('with small chunks (a record split across them) the positions hold', async () => {
    const { messages } = await readText('r.json', records, { skipInvalid: true }, 5);
    assert.deepEqual(messages.map((m) => m.split(': warning')[0]), ['r.json:3:13', 'r.json:4:13']);
  });

  it('a missing field points at the record', async () => {
    const { messages } = await readText('r.json', '[{"label": 0, "probs": [0.9, 0.1]},\n {"probs": [0.2, 0.8]}, {"label": 1, "probs": [0.5, 0.5]}]', { skipInvalid: true });
    assert.deepEqual(messages, ['r.json:2:2: warning: missing field "label" (row skipped)']);
  });
});

describe('lines ending in a lone CR', () => {
  const lf = 'label,p_a,p_b\n0,0.2,0.8\n1,0.7,0.3\n1,x,0.3\n0,0.6,0.4\n';
  const cr = lf.replace(/\n/g, '\r');

  it('are read as line breaks: the same rows, lines and problems as with LF', async () => {
    const a = await readText('lf.csv', lf, { skipInvalid: true });
    const b = await readText('cr.csv', cr, { skipInvalid: true }, 4);
    assert.deepEqual(b.rows, a.rows);
    assert.equal(b.rows.length, 3);
    assert.deepEqual(b.messages, ['cr.csv:4:3: warning: expected a number, found "x" (row skipped)']);
    assert.equal(b.result.layout.lineBreaks, 'cr');
    assert.ok(b.result.layout.evidence.includes('lines end in a lone CR (classic Mac OS): each CR read as a line break'));
    assert.equal(a.result.layout.lineBreaks, undefined);
  });

  it('TSV and JSONL too', async () => {
    const tsv = await readText('cr.tsv', 'label\tp_a\tp_b\r0\t0.2\t0.8\r1\t0.7\t0.3');
    assert.deepEqual(tsv.rows.map((r) => [r.line, r.target, r.prediction]), [[2, 0, [0.2, 0.8]], [3, 1, [0.7, 0.3]]]);
    const jl = await readText('cr.jsonl', '{"label": 0, "probs": [0.2, 0.8]}\r{"label": 1, "probs": [0.7, 0.3]}\r');
    assert.deepEqual(jl.messages, []);
    assert.deepEqual(jl.rows.map((r) => [r.line, r.target]), [[1, 0], [2, 1]]);
  });

  it('byte ranges read with the layout give the rows of one pass', async () => {
    let text = 'label,p_a,p_b\r';
    for (let i = 0; i < 300; i++) text += `${i % 2},0.${(i % 8) + 1},0.${9 - (i % 8)}\r`;
    const whole = await readText('cr.csv', text);
    const bytes = new TextEncoder().encode(text);
    const rows: number[] = [];
    let rowOffset = 0;
    for (const range of splitRanges(bytes.length, 3)) {
      const r = await readSamples(bytesSource('cr.csv', bytes, 100), { layout: whole.result.layout, range }, (_s, row) => rows.push(row + rowOffset));
      rowOffset += r.rows;
    }
    assert.equal(rowOffset, 300);
    assert.deepEqual(rows, whole.rows.map((r) => r.row));
  });

  it('CRLF and LF files are not taken for them', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    assert.equal(onlyCrLineBreaks(enc('a,b\r\n1,2\r\n')), false);
    assert.equal(onlyCrLineBreaks(enc('a,b\n1,2\n')), false);
    assert.equal(onlyCrLineBreaks(enc('a,b,1,2')), false);
    assert.equal(onlyCrLineBreaks(enc('a,b\r1,2\r')), true);
  });
});

describe('concatBytes', () => {
  it('joins parts in order, and returns a single part as is', () => {
    const a = Uint8Array.of(1, 2);
    assert.deepEqual(concatBytes([a, Uint8Array.of(), Uint8Array.of(3)]), Uint8Array.of(1, 2, 3));
    assert.equal(concatBytes([a]), a);
    assert.deepEqual(concatBytes([a, a], 4), Uint8Array.of(1, 2, 1, 2));
  });
});
