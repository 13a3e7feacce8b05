/**
 * Labels of -100 (PyTorch's ignore_index, Hugging Face's masked tokens): with --ignore-index they
 * are read and left out of the loss in every format, equal to PyTorch's losses
 * (scripts/fixtures/gen_ignore_index.py); without it each is refused at its line with the fix,
 * which the editor offers as a quick fix and the dashboard as a button.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexDocument } from '../../src/core/explain';
import { diagnosticSpecs } from '../../src/extension/explain/diagnostic-content';
import { codeLensTitle } from '../../src/extension/explain/codelens-content';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';
import { editorSpeaker } from '../../src/shared/speak';
import { closeWindows, harness } from './webview-helpers';

const CLI = 'dist/cli.js';
const DIR = 'test/fixtures/ignore-index';
const ref = JSON.parse(readFileSync(`${DIR}/reference.json`, 'utf8')) as { rows: number; ignored: number; ce: number; bce: number; firstIgnoredLine: number; tokens: number; tokenIgnored: number; tokenCe: number };

function cli(...args: string[]) {
  assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build`);
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(...args: string[]): { value: number; preset: string; rows: number; count: number; ignored: number; layout: { evidence: string[] } } {
  const r = cli(...args, '--json', '--preset', 'pytorch');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const HINT = "label -100 is not a class index (0 to 4); if -100 marks rows to leave out (PyTorch's ignore_index), read with --ignore-index -100";

describe('ignore index (-100 labels)', () => {
  after(closeWindows);

  for (const args of [[`${DIR}/tokens.csv`], [`${DIR}/tokens.jsonl`], [`${DIR}/logits.npy`, '--labels', `${DIR}/labels.npy`]]) {
    it(`${args[0]!.split('/').pop()}: --ignore-index -100 gives PyTorch's cross_entropy, the rows counted as ignored`, () => {
      const r = json(...args, '--ignore-index', '-100');
      assert.ok(Math.abs(r.value - ref.ce) < 1e-12, `${r.value} vs ${ref.ce}`);
      assert.deepEqual([r.preset, r.count, r.ignored], ['pytorch', ref.rows - ref.ignored, ref.ignored]);
    });
  }

  for (const args of [[`${DIR}/token_grid.npz`], [`${DIR}/token_logits.npy`, '--labels', `${DIR}/token_labels.npy`]]) {
    it(`${args[0]!.split('/').pop()}: Trainer.predict's (N, T, K) scores and (N, T) labels are read one token a row, as cross_entropy on the flattened arrays`, () => {
      const r = json(...args, '--ignore-index', '-100');
      assert.ok(Math.abs(r.value - ref.tokenCe) < 1e-12, `${r.value} vs ${ref.tokenCe}`);
      assert.deepEqual([r.rows, r.count, r.ignored], [ref.tokens, ref.tokens - ref.tokenIgnored, ref.tokenIgnored]);
      assert.match(r.layout.evidence[0]!, /one token a row: 12 examples x 7 tokens, row r is example floor\(r \/ 7\), token r mod 7/);
    });
  }

  it('per-token arrays: an example id beside them is left out; Fortran order and scores without labels per token are refused with the fix', () => {
    const npz = cli(`${DIR}/token_grid.npz`, '--ignore-index', '-100', '--label-column', 'example_id');
    assert.equal(npz.code, 1);
    assert.match(npz.stderr, /example_id \(<i8, shape \(12\)\) cannot be read: it holds shape \(12\) beside arrays of one value per token \(12 examples x 7 tokens\): not read with them/);
    const fortran = cli(`${DIR}/token_logits_fortran.npy`, '--labels', `${DIR}/token_labels.npy`, '--ignore-index', '-100');
    assert.equal(fortran.code, 1);
    assert.match(fortran.stderr, /logits_fortran \(<f4, shape \(12, 7, 4\)\) cannot be read: it is stored in Fortran \(column-major\) order, whose tokens are not stored one after another: save it with np\.ascontiguousarray\(token_logits_fortran\)/);
    const alone = cli(`${DIR}/token_logits.npy`, '--labels', `${DIR}/labels.npy`);
    assert.equal(alone.code, 1);
    assert.match(alone.stderr, /^test\/fixtures\/ignore-index\/token_logits.npy: token_logits \(<f4, shape \(12, 7, 4\)\) cannot be read: .*scores per token \(token classification\)\? Save them one token a row.*\. Without it: no prediction column found/);
  });

  it('per-token JSON records (a list of score vectors a record) are refused naming both ways to write them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-tokens-'));
    const file = join(dir, 'seq.jsonl');
    writeFileSync(file, '{"labels":[-100,2,0],"predictions":[[0.1,0.2,0.3],[1,2,3],[3,2,1]]}\n{"labels":[-100,1,-100],"predictions":[[0.1,0.2,0.3],[1,2,3],[3,2,1]]}\n');
    const r = cli(file);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.split('\n')[0], `${file}:1:36: field "predictions" holds a list of 3 score vectors a record: scores per token (token classification)? Loss Lens reads one sample a record: write one token a line ({"label": y, "logits": z} for each token, the padding's -100 left out with --ignore-index -100), or save the arrays with np.savez(path, predictions=..., label_ids=...), which is read one token a row`);
  });

  it('binary labels 0/1/-100: --ignore-index -100 gives binary_cross_entropy on the rest', () => {
    const r = json(`${DIR}/binary.csv`, '--ignore-index', '-100');
    assert.ok(Math.abs(r.value - ref.bce) < 1e-12, `${r.value} vs ${ref.bce}`);
    assert.equal(r.ignored, ref.ignored);
  });

  it('without --ignore-index, each -100 row is refused at its line and column with the flag that reads it', () => {
    const r = cli(`${DIR}/tokens.csv`);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.split('\n')[0], `${DIR}/tokens.csv:${ref.firstIgnoredLine}:1: ${HINT}`);
    const j = cli(`${DIR}/tokens.jsonl`);
    assert.match(j.stderr, new RegExp(`^${DIR}/tokens.jsonl:2:12: label -100 is not a class index`));
  });

  it('the editor: the problem carries the "ignore label" quick fix, spoken in the editor\'s words; the choice reads the file', async () => {
    const text = readFileSync(`${DIR}/tokens.csv`, 'utf8');
    const lines = text.split('\n');
    const refused = await indexDocument(text, 'tokens.csv', requestFor(DEFAULT_CONFIG, {}));
    const spec = diagnosticSpecs(refused, 'csv', ',', (n) => lines[n - 1])[0]!;
    assert.deepEqual([spec.line, spec.start, spec.end, spec.code, spec.fixes, spec.ignoreLabel], [ref.firstIgnoredLine - 1, 0, 4, 'label', ['ignore-label', 'choose-columns'], -100]);
    assert.equal(editorSpeaker(spec.message).split('; ')[1], "if -100 marks rows to leave out (PyTorch's ignore_index), read with Ignore Label -100 (the quick fix, or the button on the error)");

    const read = await indexDocument(text, 'tokens.csv', requestFor({ ...DEFAULT_CONFIG, defaultPreset: 'pytorch' }, { ignoreIndex: -100 }));
    assert.equal(read.problems.length, 0);
    assert.ok(Math.abs(read.analysis!.value - ref.ce) < 1e-12);
    assert.match(codeLensTitle(read), new RegExp(`over ${ref.rows - ref.ignored} samples \\(preset pytorch\\) · ${ref.ignored} labelled -100 ignored$`));
  });

  it('the dashboard: an error whose rows are -100 offers "Ignore label -100", which posts the choice', () => {
    const h = harness();
    const message = editorSpeaker(HINT);
    const problems = [3, 8, 11].map((line) => ({ line, column: 1, message }));
    h.dashboard.handle({ type: 'error', label: 'tokens.csv', message: 'tokens.csv: 54 rows could not be read', errorCount: 54, badRows: true, problems: [...problems, { line: 12, column: 4, message: 'expected a number, found "x"' }] });
    // The same message is said once, after its places, each of which opens its line.
    const items = [...h.root.querySelectorAll('[data-testid="problems"] li')];
    assert.deepEqual(items.map((li) => [...li.querySelectorAll('.loc')].map((l) => l.textContent)), [['3:1', '8:1', '11:1'], ['12:4']]);
    assert.equal(items[0]!.querySelector('.message')!.textContent, message);
    h.posted.length = 0;
    (items[0]!.querySelectorAll('.loc')[1] as HTMLButtonElement).click();
    assert.deepEqual(h.posted, [{ type: 'revealLine', line: 8 }]);
    const button = h.root.querySelector('[data-testid="ignore-label"]') as HTMLButtonElement;
    assert.equal(button.textContent, 'Ignore label -100');
    h.posted.length = 0;
    button.click();
    assert.deepEqual(h.posted, [{ type: 'ignoreLabel', label: -100 }]);
    h.dashboard.handle({ type: 'error', label: 'x.csv', message: 'x.csv: 1 row could not be read', errorCount: 1, badRows: true, problems: [{ line: 3, column: 1, message: 'label 7 is not a class index (0 to 4)' }] });
    assert.equal(h.root.querySelector('[data-testid="ignore-label"]'), null);
  });
});
