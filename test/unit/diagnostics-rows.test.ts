import assert from 'node:assert/strict';
import { analyze, type Analysis } from '../../src/core/analyze';
import { dataRowReader, rowsUnavailable } from '../../src/core/diagnostics';
import { bytesSource, type ByteSource } from '../../src/core/parse';
import type { OpenShard } from '../../src/core/shards';
import { CLASSIC_REQUEST } from './breakdown-helpers';

interface Seen {
  file: number;
  label: number;
  preds: number[];
  row: number;
  line: number;
}

async function collect(analysis: Analysis, sources: ByteSource[], signal?: AbortSignal): Promise<Seen[]> {
  const open: OpenShard = (file, read) => read(sources[file]!, undefined);
  const layouts = sources.map(() => analysis.layout);
  const seen: Seen[] = [];
  await dataRowReader(analysis, CLASSIC_REQUEST, layouts, open, signal).pass((rows, file) => {
    for (let i = 0; i < rows.size; i++) {
      seen.push({ file, label: rows.labels[i]!, preds: Array.from(rows.preds.subarray(i * rows.width, (i + 1) * rows.width)), row: rows.rows[i]!, line: rows.lines[i]! });
    }
  });
  return seen;
}

/** `n` rows of three class probabilities with index labels, row i on line i + 2. */
function threeClassCsv(n: number): string {
  let text = 'label,p0,p1,p2\n';
  for (let i = 0; i < n; i++) {
    const a = ((i * 37) % 97) / 200;
    const b = ((i * 11) % 89) / 300;
    text += `${i % 3},${a},${b},${1 - a - b}\n`;
  }
  return text;
}

describe('diagnostics: the rows read again', () => {
  it('hands over every row of a batched file as read: labels, scores, rows and lines, in order and across batches', async () => {
    const text = threeClassCsv(600);
    const analysis = await analyze(bytesSource('p.csv', text), CLASSIC_REQUEST);
    const seen = await collect(analysis, [bytesSource('p.csv', text)]);
    assert.equal(seen.length, 600);
    const rows = text.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    seen.forEach((s, i) => {
      assert.deepEqual({ file: s.file, label: s.label, preds: s.preds, row: s.row, line: s.line }, { file: 0, label: rows[i]![0], preds: rows[i]!.slice(1), row: i, line: i + 2 });
    });
  });

  it('maps named labels to class indices and reads one-by-one rows in file order', async () => {
    const text = 'label,cat,dog\ncat,0.9,0.1\ndog,0.3,0.7\ndog,0.6,0.4\n';
    const analysis = await analyze(bytesSource('named.csv', text), CLASSIC_REQUEST);
    assert.deepEqual(analysis.layout.classNames, ['cat', 'dog']);
    const seen = await collect(analysis, [bytesSource('named.csv', text)]);
    assert.deepEqual(seen.map((s) => [s.label, ...s.preds, s.line]), [[0, 0.9, 0.1, 2], [1, 0.3, 0.7, 3], [1, 0.6, 0.4, 4]]);
  });

  it('names the file of each row of a data set', async () => {
    const a = 'label,p0,p1,p2\n0,0.7,0.2,0.1\n';
    const b = 'label,p0,p1,p2\n2,0.1,0.1,0.8\n1,0.2,0.5,0.3\n';
    const first = await analyze(bytesSource('a.csv', a), CLASSIC_REQUEST);
    const set: Analysis = { ...first, rows: 3, files: [{ name: 'a.csv', format: 'csv', rows: 1, skipped: 0, bytesRead: a.length }, { name: 'b.csv', format: 'csv', rows: 2, skipped: 0, bytesRead: b.length }] };
    const seen = await collect(set, [bytesSource('a.csv', a), bytesSource('b.csv', b)]);
    assert.deepEqual(seen.map((s) => [s.file, s.label, s.row, s.line]), [[0, 0, 0, 2], [1, 2, 0, 2], [1, 1, 1, 3]]);
  });

  it('refuses data that no longer holds the rows the first pass counted', async () => {
    const analysis = await analyze(bytesSource('p.csv', threeClassCsv(10)), CLASSIC_REQUEST);
    await assert.rejects(collect(analysis, [bytesSource('p.csv', threeClassCsv(7))]), /p\.csv changed since it was read: 10 valid rows then, 7 now\. Run the analysis again\./);
  });

  it('stops when cancelled', async () => {
    const text = threeClassCsv(50);
    const analysis = await analyze(bytesSource('p.csv', text), CLASSIC_REQUEST);
    const stop = new AbortController();
    stop.abort();
    await assert.rejects(collect(analysis, [bytesSource('p.csv', text)], stop.signal), (err: Error) => err.name === 'AbortError');
  });

  it('says why soft and multi-label targets have no single class per row', async () => {
    const soft = await analyze(bytesSource('soft.csv', 'y0,y1,p0,p1\n0.2,0.8,0.3,0.7\n0.6,0.4,0.5,0.5\n'), CLASSIC_REQUEST);
    const hard = await analyze(bytesSource('hard.csv', threeClassCsv(3)), CLASSIC_REQUEST);
    assert.equal(soft.layout.targetKind, 'soft');
    assert.match(rowsUnavailable(soft.layout) ?? '', /soft/);
    assert.equal(rowsUnavailable(hard.layout), undefined);
  });
});
