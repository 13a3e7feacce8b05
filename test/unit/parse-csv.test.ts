import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { CsvTokenizer, fieldPosition, rowTexts, sniffDelimiter, type CsvRow } from '../../src/core/parse/csv';

const enc = new TextEncoder();

/** Tokenizes text pushed in chunks of `size` bytes; returns each row's fields and line. */
function tokenize(text: string, size = 1 << 16, delimiter = ','): { fields: string[]; line: number; error?: string }[] {
  const bytes = enc.encode(text);
  const t = new CsvTokenizer({ delimiter: delimiter.charCodeAt(0) });
  const out: { fields: string[]; line: number; error?: string }[] = [];
  const onRow = (r: CsvRow): void => {
    out.push(r.error === undefined ? { fields: rowTexts(r), line: r.line } : { fields: rowTexts(r), line: r.line, error: r.error });
  };
  for (let i = 0; i < bytes.length; i += size) t.push(bytes.subarray(i, i + size), onRow);
  t.end(onRow);
  return out;
}

describe('CsvTokenizer', () => {
  it('splits plain rows and numbers lines from 1', () => {
    assert.deepEqual(tokenize('a,b\n1,2\n3,4\n'), [
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1', '2'], line: 2 },
      { fields: ['3', '4'], line: 3 },
    ]);
  });

  it('handles quotes: doubled quotes, delimiters and newlines inside, CRLF, empty fields', () => {
    const text = 'id,text,p\r\n1,"say ""hi"", then go",0.5\r\n2,"two\r\nlines",0.25\r\n3,,\r\n"4",x,"0.125"';
    assert.deepEqual(tokenize(text), [
      { fields: ['id', 'text', 'p'], line: 1 },
      { fields: ['1', 'say "hi", then go', '0.5'], line: 2 },
      { fields: ['2', 'two\r\nlines', '0.25'], line: 3 },
      { fields: ['3', '', ''], line: 5 },
      { fields: ['4', 'x', '0.125'], line: 6 },
    ]);
  });

  it('skips blank lines (also trailing ones) but counts them', () => {
    assert.deepEqual(tokenize('a\n\n1\r\n\r\n2\n\n\n'), [
      { fields: ['a'], line: 1 },
      { fields: ['1'], line: 3 },
      { fields: ['2'], line: 5 },
    ]);
  });

  it('reports an unterminated quote and text after a closing quote', () => {
    assert.deepEqual(tokenize('a,b\n"x"y,1\n2,"open\n'), [
      { fields: ['a', 'b'], line: 1 },
      { fields: ['x', '1'], line: 2, error: 'unexpected text after a closing quote' },
      { fields: ['2', 'open\n'], line: 3, error: 'unterminated quoted field' },
    ]);
  });

  it('gives the same rows whatever the chunk boundaries', () => {
    const text = 'id,"a ""b""",c\r\n1,"x,\ny",3\n\n2,"""",4\r\n5,6,7';
    const whole = tokenize(text);
    for (let size = 1; size <= text.length; size++) assert.deepEqual(tokenize(text, size), whole, `chunk size ${size}`);
  });

  it('round-trips random fields written by a standard quoting writer, in random chunks', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', 'é', '1', '.') , maxLength: 8 });
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 17 }), (rows, size) => {
        // Quote every field (a row whose fields are all empty would otherwise be a blank line).
        const text = rows.map((r) => r.map((f) => `"${f.replace(/"/g, '""')}"`).join(',')).join('\n') + '\n';
        const got = tokenize(text, size).map((r) => r.fields);
        assert.deepEqual(got, rows);
      }),
      { numRuns: 300 },
    );
  });

  it('parses numbers during the scan exactly as Number() does (or leaves NaN for the careful path)', () => {
    const texts = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.tuple(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.integer({ min: 0, max: 20 })).map(([x, f]) => x.toFixed(f)),
      fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 20 })).map(([x, f]) => x.toExponential(f)),
      fc.stringMatching(/^-?[0-9]{0,18}(\.[0-9]{0,18})?([eE][+-]?[0-9]{1,5})?$/),
      fc.constantFrom('-0', '1e', '-', '.', '1.', '.5', 'abc', '1x', '0x1', ' 1', '+1', '1e-22', '1e22', '1e23', '9007199254740993'),
    );
    fc.assert(
      fc.property(fc.array(texts, { minLength: 1, maxLength: 6 }), fc.boolean(), (fields, crlf) => {
        const bytes = enc.encode(fields.join(',') + (crlf ? '\r\n' : '\n'));
        const t = new CsvTokenizer({ delimiter: 44 });
        let seen = 0;
        t.push(bytes, (r) => {
          for (let i = 0; i < r.count; i++) {
            const v = r.values[i]!;
            if (!Number.isNaN(v)) assert.ok(Object.is(v, Number(fields[i])), `${fields[i]} -> ${v}`);
          }
          seen++;
        });
        t.end(() => void seen++);
        assert.ok(seen <= 1);
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps the scanned numbers of plain rows and leaves those of quoted rows to the readers', () => {
    const t = new CsvTokenizer({ delimiter: 44 });
    const rows: number[][] = [];
    const onRow = (r: CsvRow): void => void rows.push(Array.from(r.values.subarray(0, r.count)));
    t.push(enc.encode('1,0.25,-3.5e2,x\r\n"2",0.5,7,y\n3,0.125,'), onRow);
    t.end(onRow);
    assert.deepEqual(rows, [
      [1, 0.25, -350, Number.NaN],
      [Number.NaN, Number.NaN, Number.NaN, Number.NaN],
      [Number.NaN, Number.NaN, Number.NaN],
    ]);
  });

  it('places fields at 1-based character columns, counting UTF-8 characters', () => {
    const bytes = enc.encode('h\n"é",ü,abc\n');
    const t = new CsvTokenizer({ delimiter: 44 });
    const cols: number[] = [];
    t.push(bytes, (r) => {
      if (r.line === 2) for (let i = 0; i < r.count; i++) cols.push(fieldPosition(r, i).column);
    });
    assert.deepEqual(cols, [1, 5, 7]);
  });

  it('skips an over-long line without buffering it whole', () => {
    const t = new CsvTokenizer({ delimiter: 44, maxRowBytes: 100 });
    const oversize: number[] = [];
    t.onOversize = (line) => oversize.push(line);
    const rows: number[] = [];
    const big = new Uint8Array(1000).fill(65);
    t.push(enc.encode('h\n'), (r) => void rows.push(r.line));
    for (let i = 0; i < 50; i++) t.push(big, (r) => void rows.push(r.line));
    t.push(enc.encode('\n1\n'), (r) => void rows.push(r.line));
    t.end((r) => void rows.push(r.line));
    assert.deepEqual(oversize, [2]);
    assert.deepEqual(rows, [1, 3]);
  });
});

describe('sniffDelimiter', () => {
  it('picks comma, tab or semicolon by consistent counts', () => {
    assert.equal(sniffDelimiter('a,b,c\n1,2,3\n').delimiter, ',');
    assert.equal(sniffDelimiter('a\tb\tc\n1\t2,5\t3\n').delimiter, '\t');
    assert.equal(sniffDelimiter('a;b;c\n1,5;2,5;3\n4,5;5;6\n').delimiter, ';');
    assert.equal(sniffDelimiter('"x,y";b\n"1,2";3\n').delimiter, ';');
    assert.match(sniffDelimiter('a;b;c\n1,5;2,5;3\n').evidence, /^delimiter: semicolon/);
  });
});
