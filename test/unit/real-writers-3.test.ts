/**
 * "Never a silent wrong number", third sweep: transformers' LABEL_0..LABEL_11 (pipeline output and
 * the CSV made of it) beside class ids, pipeline names beside class ids, European-locale CSV
 * (Excel, BOM, decimal commas quoted in a comma file, R's write.csv2), R's write.csv and
 * write.table, np.savetxt defaults as .csv/.tsv, %.3f rows, Keras (N, 1) outputs, boolean and
 * float labels (scripts/fixtures/real-writers-3.py: numpy, pandas, torch, sklearn, R; references
 * by PyTorch on the numbers as read back). The rules per file are in
 * test/unit/real-writers-helpers.ts, `note_has` among them.
 */
import { strict as assert } from 'node:assert';
import { realWritersSweep, runOn } from './real-writers-helpers';

const DIR = 'test/fixtures/real-writers-3';

realWritersSweep('files written by transformers, pandas in a European locale, R, NumPy and Keras (test/fixtures/real-writers-3)', DIR, 23, () => {
  it('pipeline output with --class-names that are not its labels: refused, naming them', () => {
    const r = runOn(DIR, 'pipeline_names_int_labels.jsonl', ['--class-names', 'sadness,joy,love,anger,fear']);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /pipeline_names_int_labels\.jsonl:1: the class names given \(sadness, joy, love, anger, fear\) are not the labels of field "scores" \(anger, fear, joy, love, sadness, surprise\)/);
  });
});
