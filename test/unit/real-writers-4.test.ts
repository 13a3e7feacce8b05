/**
 * "Never a silent wrong number", fourth sweep: polars (write_csv with its separators and quoting,
 * write_ndjson, write_json, list columns unnested, bracketed or joined, as CSV cannot hold them),
 * Hugging Face datasets (Dataset.to_json / to_csv of map outputs beside a ClassLabel), pandas'
 * compressed output (.gz and .zst read, streamed; .bz2, .xz, .zip refused at 1:1 naming the fix;
 * a truncated .zst refused as truncated),
 * lm-evaluation-harness' samples_<task>_<date>.jsonl of multiple-choice tasks (refused at the
 * "filtered_resps" value, naming the one-liner that writes the choices' loglikelihoods as logits;
 * that file's mean = torch's cross_entropy), Excel's sep= line, pipes, index_label, -inf logits
 * (scripts/fixtures/real-writers-4.py; references by PyTorch on the numbers as read back). The
 * rules per file are in test/unit/real-writers-helpers.ts. Then: layout refusals carry the column
 * of the cell they are about, in the CLI's file:line:col and in the Problems panel's range.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexDocument } from '../../src/core/explain';
import { diagnosticSpecs } from '../../src/extension/explain/diagnostic-content';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';
import { realWritersSweep, runOn } from './real-writers-helpers';

const DIR = 'test/fixtures/real-writers-4';
const LM_EVAL = 'samples_arc_challenge_2026-12-06T05-00-00.000000.jsonl';

/** The Problems panel's first diagnostic of `text` read as `name`: its line (0-based) and the text its range covers. */
async function firstDiagnostic(text: string, name: string, format: 'csv' | 'jsonl', delimiter?: string): Promise<{ line: number; start: number; covered: string; message: string }> {
  const lines = text.split('\n');
  const index = await indexDocument(text, name, requestFor(DEFAULT_CONFIG, {}));
  const spec = diagnosticSpecs(index, format, delimiter, (n) => lines[n - 1])[0]!;
  return { line: spec.line, start: spec.start, covered: lines[spec.line]!.slice(spec.start, spec.end), message: spec.message };
}

realWritersSweep('files written by polars, Hugging Face datasets, compressed pandas and lm-evaluation-harness (test/fixtures/real-writers-4)', DIR, 33, () => {
  it('the sep= line and the pipe are said in the evidence', () => {
    const sep = JSON.parse(runOn(DIR, 'excel_sep_line.csv', []).stdout) as { layout: { evidence: string[] } };
    assert.equal(sep.layout.evidence[1], 'delimiter: semicolon, as line 1 says (Excel\'s "sep=;" hint, skipped)');
    const pipe = JSON.parse(runOn(DIR, 'to_csv_pipe.csv', []).stdout) as { layout: { evidence: string[] } };
    assert.equal(pipe.layout.evidence[1], 'delimiter: pipe (3 on the first line, the same count on the following lines)');
  });

  it('an lm-eval samples file of 3 to 5 choices a question: refused at its "filtered_resps" value, in the CLI and the Problems panel', async () => {
    const text = readFileSync(join(DIR, LM_EVAL), 'utf8');
    const col = text.indexOf('"filtered_resps": ') + '"filtered_resps": '.length + 1;
    const r = runOn(DIR, LM_EVAL, []);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.startsWith(`${DIR}/${LM_EVAL}:1:${col}: lm-evaluation-harness samples of a multiple-choice task`), r.stderr);
    const d = await firstDiagnostic(text, LM_EVAL, 'jsonl');
    assert.deepEqual([d.line, d.start], [0, col - 1]);
    assert.match(d.covered, /^\[\["-[0-9.]+", "False"\], .*"\]\]$/);
  });

  it("to_json(lines=True, compression='zstd') (to_json_lines.jsonl.zst, rewritten by pandas from to_json_lines.jsonl.gz): read, mean = torch's cross_entropy", () => {
    const r = runOn(DIR, 'to_json_lines.jsonl.zst', []);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { mean: number; count: number; layout: { input: string } };
    assert.deepEqual([j.count, j.layout.input], [50, 'logits']);
    // torch.nn.functional.cross_entropy on the rows pandas reads back from the .zst (float64).
    assert.ok(Math.abs(j.mean - 0.48797905485596416) < 1e-9, String(j.mean));
  });

  it('a truncated .zst: refused as corrupt or truncated, not a crash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-rw4-'));
    const whole = readFileSync(join(DIR, 'to_csv.csv.zst'));
    writeFileSync(join(dir, 'cut.csv.zst'), whole.subarray(0, Math.floor(whole.length / 2)));
    const r = runOn(dir, 'cut.csv.zst', []);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.startsWith(`${dir}/cut.csv.zst: could not read the file: the zstd data is corrupt or truncated`), r.stderr);
  });

  it('labels counting from 1: refused at the first label with no column (CLI and Problems panel)', async () => {
    const text = 'p0,p1,p2,label\n0.7,0.2,0.1,1\n0.1,0.8,0.1,2\n0.2,0.2,0.6,3\n0.6,0.3,0.1,1\n0.3,0.6,0.1,2\n0.1,0.1,0.8,3\n';
    const dir = mkdtempSync(join(tmpdir(), 'll-rw4-'));
    writeFileSync(join(dir, 'one_based.csv'), text);
    const r = runOn(dir, 'one_based.csv', []);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.startsWith(`${dir}/one_based.csv:4:13: labels run from 1 to 3`), r.stderr);
    const d = await firstDiagnostic(text, 'one_based.csv', 'csv', ',');
    assert.deepEqual([d.line, d.start, d.covered], [3, 12, '3']);
  });

  it("a pipeline's confidence as the score: refused at the first score (CLI and Problems panel)", async () => {
    const rows = ['text,label,score'];
    for (let i = 0; i < 10; i++) rows.push(`t${i},${i % 3 ? 'POSITIVE' : 'NEGATIVE'},${(0.55 + (i % 4) / 10).toFixed(2)}`);
    const text = rows.join('\n') + '\n';
    const dir = mkdtempSync(join(tmpdir(), 'll-rw4-'));
    writeFileSync(join(dir, 'conf.csv'), text);
    const r = runOn(dir, 'conf.csv', []);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.startsWith(`${dir}/conf.csv:2:13: column score is at least 0.5`), r.stderr);
    const d = await firstDiagnostic(text, 'conf.csv', 'csv', ',');
    assert.deepEqual([d.line, d.start, d.covered], [1, 12, '0.55']);
  });
});
