import { strict as assert } from 'node:assert';
import { JsonSyntaxError, JsonTokenizer, type JsonHandler } from '../../src/core/parse/json';
import { readText } from './parse-helpers';

/** Every event as text, to check the tokenizer against JSON.parse. */
function events(text: string, chunk = 1 << 16): string[] {
  const out: string[] = [];
  const h: JsonHandler = {
    startObject: () => out.push('{'),
    endObject: () => out.push('}'),
    startArray: () => out.push('['),
    endArray: () => out.push(']'),
    key: (k) => out.push(`key ${k}`),
    value: (v) => out.push(`value ${JSON.stringify(v)}`),
  };
  const t = new JsonTokenizer(h);
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += chunk) t.push(bytes.subarray(i, i + chunk));
  t.end();
  return out;
}

/** The same events derived from JSON.parse (an independent reference). */
function reference(v: unknown): string[] {
  if (Array.isArray(v)) return ['[', ...v.flatMap(reference), ']'];
  if (v !== null && typeof v === 'object') return ['{', ...Object.entries(v).flatMap(([k, x]) => [`key ${k}`, ...reference(x)]), '}'];
  return [`value ${JSON.stringify(v)}`];
}

function syntaxError(text: string): string {
  try {
    events(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return `${e.line}:${e.column}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('JsonTokenizer', () => {
  const doc = '{"eval": {"labels": [0, 2, 1], "logits": [[1.5, -2e-3, 0], [0.25, 1E2, -0.0]]},\n "s": "a\\"b\\u00e9\\n", "t": true, "f": false, "n": null, "e": [], "o": {}, "ü": "日本"}';

  it('emits the same structure as JSON.parse, whatever the chunk boundaries', () => {
    const ref = reference(JSON.parse(doc));
    for (let size = 1; size <= 12; size++) assert.deepEqual(events(doc, size), ref, `chunk size ${size}`);
    assert.deepEqual(events(doc), ref);
  });

  it('says where and what is wrong', () => {
    assert.equal(syntaxError('[1, 2'), '1:6: unexpected end of file: the JSON is truncated (1 unclosed bracket)');
    assert.equal(syntaxError('{"a": [1,\n 2'), '2:3: unexpected end of file: the JSON is truncated (2 unclosed brackets)');
    assert.equal(syntaxError('{"a": "abc'), '1:11: unexpected end of file inside a string: the JSON is truncated');
    assert.equal(syntaxError('[1, NaN]'), "1:5: NaN is not valid JSON (Python's json module writes it for float('nan')): values must be finite numbers: write a missing value as null (None in Python before json.dump; pandas' to_json writes null) and leave its row out with --skip-invalid");
    assert.equal(syntaxError('[1, -Infinity]'), "1:5: -Infinity is not valid JSON (Python's json module writes it for float('-inf')): values must be finite numbers: a masked logit? Write a finite number in its place: -1e4 gives its class probability 0 in float64, as -inf does (logits.masked_fill(mask, -1e4))");
    assert.equal(syntaxError('[1,]'), "1:4: expected a value, found ']'");
    assert.equal(syntaxError('{"a" 1}'), "1:6: expected ':' after an object key, found '1'");
    assert.equal(syntaxError('{"a": 1 "b": 2}'), "1:9: expected ',' or '}' in an object, found '\"'");
    assert.equal(syntaxError('[01]'), '1:2: invalid number "01"');
    assert.equal(syntaxError('[tru]'), '1:2: expected a value, found "tru"');
    assert.equal(syntaxError('[1] [2]'), "1:5: unexpected '[' after the end of the JSON value");
    assert.equal(syntaxError('["é", x]'), "1:7: expected a value, found \"x\"");
    assert.equal(syntaxError('["a\nb"]'), '1:4: unterminated string (a newline inside a string)');
    assert.equal(syntaxError('   '), '1:4: the file is empty');
  });
});

describe('readSamples: JSON', () => {
  const records = '[{"label": 2, "probs": [0.1, 0.2, 0.7], "id": "a"},\n {"label": 0, "probs": [0.8, 0.1, 0.1], "id": "b"}]';

  it('reads an array of records, with extra fields available', async () => {
    for (const chunk of [1, 5, 1 << 16]) {
      const { result, rows } = await readText('r.json', records, {}, chunk, 'id');
      assert.equal(result.ok, true, result.problems.map((p) => p.message).join());
      assert.equal(result.layout.jsonShape, 'records');
      assert.deepEqual(rows, [
        { row: 0, line: 1, prediction: [0.1, 0.2, 0.7], target: 2, id: 'a' },
        { row: 1, line: 2, prediction: [0.8, 0.1, 0.1], target: 0, id: 'b' },
      ]);
    }
  });

  it('reads a vector written as text in a field (json.dumps into a column before to_json), as the numbers it holds', async () => {
    const text = '{"label":0,"probs":"[0.7, 0.2, 0.1]"}\n{"label":2,"probs":"[0.2, 0.2, 0.6]"}\n{"label":1,"probs":"[0.1, 0.8]"}\n';
    const { result, rows, messages } = await readText('s.jsonl', text);
    assert.deepEqual(rows.map((r) => [r.prediction, r.target]), [[[0.7, 0.2, 0.1], 0], [[0.2, 0.2, 0.6], 2]]);
    assert.deepEqual(messages, ['s.jsonl:3:20: expected 3 values in probs, found 2']);
    assert.equal(result.ok, false);
  });

  it('reads records one level down ({"results": [...]}) with a classes field after them', async () => {
    const text = '{"model": "x", "results": [{"y": "dog", "p": [0.3, 0.7]}, {"y": "cat", "p": [0.9, 0.1]}], "classes": ["cat", "dog"]}';
    const { result, rows } = await readText('r.json', text);
    assert.equal(result.ok, true, result.problems.map((p) => p.message).join());
    assert.deepEqual(result.layout.jsonPath, ['results']);
    assert.deepEqual(result.layout.classNames, ['cat', 'dog']);
    assert.deepEqual(rows.map((r) => r.target), [1, 0]);
    assert.ok(result.layout.evidence.includes('class names cat, dog (from the file\'s class names field)'));
  });

  it('reads parallel columns, top-level and nested, pairing them row by row', async () => {
    const top = '{"y_true": [1, 0, 2],\n "y_pred": [[0.1, 0.8, 0.1],\n [0.6, 0.3, 0.1],\n [0.2, 0.2, 0.6]]}';
    const nested = '{"eval": {"labels": [1, 0, 2], "logits": [[0.5, 2.5, -1], [3, 0, 0], [0, 0, 4]]}, "class_names": ["a", "b", "c"]}';
    const targets = '{"targets": [1, 0, 2], "predictions": [[0.1, 0.8, 0.1], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6]]}';
    for (const chunk of [3, 1 << 16]) {
      const a = await readText('a.json', top, {}, chunk);
      assert.equal(a.result.layout.jsonShape, 'columns');
      assert.deepEqual(a.rows.map((r) => [r.target, r.prediction, r.line]), [
        [1, [0.1, 0.8, 0.1], 2],
        [0, [0.6, 0.3, 0.1], 3],
        [2, [0.2, 0.2, 0.6], 4],
      ]);
      const b = await readText('b.json', nested, {}, chunk);
      assert.equal(b.result.ok, true, b.messages.join());
      assert.deepEqual(b.result.layout.jsonPath, ['eval']);
      assert.equal(b.result.layout.input, 'logits');
      assert.deepEqual(b.result.layout.classNames, ['a', 'b', 'c']);
      assert.deepEqual(b.rows.map((r) => r.prediction), [[0.5, 2.5, -1], [3, 0, 0], [0, 0, 4]]);
      const c = await readText('c.json', targets, {}, chunk);
      assert.deepEqual(c.rows.map((r) => r.target), [1, 0, 2]);
    }
  });

  it('reports columns of different lengths, truncation, and bad values at their position', async () => {
    let r = await readText('x.json', '{"labels": [1, 0],\n "probs": [0.2, 0.3, 0.9]}');
    assert.deepEqual(r.messages, ['x.json:2:11: "probs" has 3 entries but "labels" has 2: parallel arrays must have the same length']);
    r = await readText('t.json', '[{"label": 1, "p": 0.9},\n {"label": 0, "p": 0.');
    assert.deepEqual(r.messages, ['t.json:2:22: unexpected end of file: the JSON is truncated (2 unclosed brackets)']);
    r = await readText('v.json', '{"labels": [1, 0, 1],\n "probs": [0.2, "high", 1.2]}');
    assert.deepEqual(r.messages, [
      'v.json:2:17: expected a number, found "high" (field probs)',
      'v.json:2:25: probability 1.2 is outside [0, 1] (field probs); if these are logits, read with --input logits',
    ]);
    r = await readText('m.json', '[{"label": 1, "probs": [0.5, 0.5]}, {"probs": [0.5, 0.5]}, {"label": 0, "probs": [0.5]}]');
    // A missing field points at its record; a bad value at the value itself (as JSONL does).
    assert.deepEqual(r.messages, ['m.json:1:37: missing field "label"', 'm.json:1:82: expected 2 values in probs, found 1']);
    r = await readText('n.json', '{"a": 1}');
    assert.match(r.messages[0]!, /^n\.json:1:1: no predictions found/);
  });

  it('reads multi-label records with lists of names and multi-hot vectors', async () => {
    const names = await readText('n.json', '[{"labels": ["cat", "dog"], "scores": [0.9, 0.2, 0.8]}, {"labels": [], "scores": [0.1, 0.1, 0.3]}]', {
      overrides: { classNames: ['cat', 'car', 'dog'] },
    });
    assert.equal(names.result.layout.kind, 'multilabel');
    assert.deepEqual(names.rows.map((r) => r.target), [[1, 0, 1], [0, 0, 0]]);
    const hot = await readText('h.json', '[{"target": [1, 0, 1], "logits": [2, -1, 0.5]}, {"target": [0, 0, 0], "logits": [-3, -2, -1]}]');
    assert.equal(hot.result.layout.kind, 'multilabel');
    assert.equal(hot.result.layout.input, 'logits');
    assert.deepEqual(hot.rows.map((r) => r.target), [[1, 0, 1], [0, 0, 0]]);
  });
});

describe('readSamples: JSONL', () => {
  const text = '{"label_ids": 1, "predictions": [-1.5, 2.0], "text": "hi"}\n\n{"label_ids": 0, "predictions": [0.3, -0.2]}\r\n';

  it('reads one record per line, ignoring extra fields and blank lines', async () => {
    const { result, rows } = await readText('hf.jsonl', text, {}, 7, 'text');
    assert.equal(result.ok, true);
    assert.equal(result.layout.format, 'jsonl');
    assert.equal(result.layout.input, 'logits');
    assert.deepEqual(rows, [
      { row: 0, line: 1, prediction: [-1.5, 2], target: 1, id: 'hi' },
      { row: 1, line: 3, prediction: [0.3, -0.2], target: 0, id: undefined },
    ]);
  });

  it('reports an over-long line and an over-long string without holding them', async () => {
    const long = '{"label": 1, "p": 0.5}\n' + 'y'.repeat(50000) + '\n{"label": 0, "p": 0.25}\n';
    const r = await readText('l.jsonl', long, { maxRowBytes: 10000, skipInvalid: true }, 1000);
    assert.deepEqual(r.messages, ['l.jsonl:2:1: warning: line longer than 9 KiB: not a JSON record (binary data?) (row skipped)']);
    assert.deepEqual(r.rows.map((x) => x.line), [1, 3]);
    const str = await readText('s.json', '[{"label": 1, "p": 0.5, "note": "' + 'z'.repeat(50000) + '"}]', { maxRowBytes: 10000 }, 1000);
    assert.deepEqual(str.messages, ['s.json:1:33: a string or number longer than 9 KiB: not a prediction file']);
  });

  it('points at the offending field of a record', async () => {
    const r = await readText('x.jsonl', '{"label": 1, "p": 0.5}\n{"label": 0, "p": 1.5}\n{"label": 7,  "p": 0.5}\n{"p": [1], "label": 0}\n{"id": 3, "label": 0, "p": 0.25}\n');
    assert.deepEqual(r.messages, [
      'x.jsonl:2:19: probability 1.5 is outside [0, 1] (field p); if these are logits, read with --input logits',
      'x.jsonl:3:11: label 7 is not 0, 1 or a probability in [0, 1]',
      'x.jsonl:4:7: expected a number, found a list of 1 (field p)',
    ]);
  });

  it('says exactly what is wrong with a malformed line, and skips it on request', async () => {
    const bad = '{"label": 1, "p": 0.9}\n{"label": 0, "p": 0.2,}\n{"label": 1 "p": 0.5}\n{"label": 0, "p": 0.1}\n';
    const r = await readText('b.jsonl', bad);
    assert.deepEqual(r.messages, [
      "b.jsonl:2:23: malformed JSON line: expected a quoted key in an object, found '}'",
      "b.jsonl:3:13: malformed JSON line: expected ',' or '}' in an object, found '\"'",
    ]);
    const s = await readText('b.jsonl', bad, { skipInvalid: true });
    assert.equal(s.result.ok, true);
    assert.deepEqual(s.rows.map((x) => [x.row, x.line]), [[0, 1], [3, 4]]);
    assert.equal(s.result.skipped, 2);
  });
});
