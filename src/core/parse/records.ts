/**
 * Records (JSON objects, from a JSON array, a JSONL line, or parallel columns zipped together)
 * into Samples, and record samples into the table that layout inference reads.
 */
import { batchFor, type ReadContext } from './context';
import { defaultLabelOrder, type Cell } from './cells';
import { LayoutError, type SampleTable } from './layout';
import { describe, SampleFiller } from './sample-filler';
import type { FileFormat, Layout, RowFields } from './types';

export interface Position {
  line: number;
  column: number;
}

/** Where a record's field sits; readers that know more than the record's start pass it. */
export type FieldPosition = (field: string) => Position;

/**
 * transformers' `pipeline(..., top_k=None)` output for one sample: `[{"label": "joy", "score": 0.9},
 * ...]`, sorted by score, so the classes' order differs from row to row: scores are matched to
 * classes by label, never by position.
 */
export function labelScores(v: unknown): Map<string, number> | undefined {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return scoreDict(v as Record<string, unknown>);
  if (!Array.isArray(v) || v.length < 2) return undefined;
  const m = new Map<string, number>();
  for (const d of v) {
    if (d === null || typeof d !== 'object' || Array.isArray(d)) return undefined;
    const { label, score } = d as Record<string, unknown>;
    if (typeof label !== 'string' || typeof score !== 'number' || Object.keys(d).length !== 2 || m.has(label)) return undefined;
    m.set(label, score);
  }
  return m;
}

const shortNames = (names: string[]): string => (names.length <= 4 ? names.join(', ') : `${names.slice(0, 3).join(', ')}, ..., ${names[names.length - 1]}`);

/**
 * The same output made a dict (`{d['label']: d['score'] for d in out}`): `{"joy": 0.9, "sadness":
 * 0.05, ...}`. Taken only as a softmax's (numbers in [0, 1] summing to 1 within 1e-3), so that a
 * record's other objects of numbers (metrics, coordinates) are never read as scores.
 */
function scoreDict(d: Record<string, unknown>): Map<string, number> | undefined {
  const keys = Object.keys(d);
  if (keys.length < 2) return undefined;
  let total = 0;
  for (const k of keys) {
    const x = d[k];
    if (typeof x !== 'number' || !(x >= 0 && x <= 1)) return undefined;
    total += x;
  }
  return Math.abs(total - 1) <= 1e-3 ? new Map(keys.map((k) => [k, d[k] as number])) : undefined;
}

/** `{"label": "joy", "score": 0.9}`, alone or in a list of one: a pipeline's top class. */
function topOne(v: unknown): boolean {
  const d = Array.isArray(v) && v.length === 1 ? (v[0] as unknown) : v;
  if (d === null || typeof d !== 'object' || Array.isArray(d)) return false;
  const { label, score } = d as Record<string, unknown>;
  return typeof label === 'string' && typeof score === 'number' && Object.keys(d).length === 2;
}

/** The column a label's score is read from when a field holds pipeline output: `scores.joy`. */
const scoreColumn = (field: string, label: string): string => `${field}.${label}`;

/** The record with each pipeline-output field spread into one number field per label (`scores.joy`). */
function spreadLabelScores(r: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const f of fields) {
    const m = labelScores(r[f]);
    if (m === undefined) continue;
    out ??= { ...r };
    for (const [label, score] of m) out[scoreColumn(f, label)] = score;
  }
  return out ?? r;
}

/** A number as Python's str(float) writes it (lm-eval's sanitize_list); "nan", "inf" and the rest are not. */
const PY_FLOAT = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A record of lm-evaluation-harness' samples_<task>_<date>.jsonl for a multiple-choice task, as
 * its loss reads it: {doc_id, target: the choice index, filtered_resps: each choice's
 * loglikelihood} (the writer: evaluator.py's logged `example`, filtered_resps a [loglikelihood,
 * is_greedy] per choice made strings by sanitize_list, target str()'d). The metrics beside (acc,
 * acc_norm) are no predictions and are left out. Undefined when the record is not one, its target
 * not a choice index or a loglikelihood not a number: the record is then read as it is, and refused.
 */
export function lmEvalChoices(rec: unknown): Record<string, unknown> | undefined {
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) return undefined;
  const r = rec as Record<string, unknown>;
  const resps = r['filtered_resps'];
  if (!('doc_id' in r) || typeof r['target'] !== 'string' || !/^\d+$/.test(r['target']) || !Array.isArray(resps) || resps.length === 0) return undefined;
  // acc_mutual_info: the choices' loglikelihoods, then their unconditional ones (2K values): refused.
  if (Array.isArray(r['metrics']) && r['metrics'].includes('acc_mutual_info')) return undefined;
  const lls: number[] = [];
  for (const c of resps) {
    if (!Array.isArray(c) || c.length !== 2 || typeof c[0] !== 'string' || !PY_FLOAT.test(c[0])) return undefined;
    lls.push(Number(c[0]));
  }
  return { doc_id: r['doc_id'], target: Number(r['target']), filtered_resps: lls };
}

/** The evidence of a file read through lmEvalChoices: what the loss is, and what it is not. */
function lmEvalEvidence(k: number): string[] {
  return [
    `lm-evaluation-harness samples (--log_samples) of a multiple-choice task: "filtered_resps" holds [loglikelihood, is_greedy] per choice, "target" the index of the right one among the ${k} choices`,
    `each choice's loglikelihood read as a logit: the loss is the cross-entropy of the softmax over the ${k} choices against "target" (the model's choice distribution; loglikelihoods are a continuation's total log-probability, unnormalised, so a logit up to a constant a question). ` +
      "acc ranks the same loglikelihoods; acc_norm divides each by its choice's length first, which this loss does not; metrics (acc, acc_norm) and the other fields left out",
  ];
}

export function recordTable(format: FileFormat, records: unknown[], lines: number[], classNames?: string[]): SampleTable {
  // lm-eval's samples of a multiple-choice task, every sampled record one with as many choices.
  const choices = records.map(lmEvalChoices);
  const counts = new Set(choices.map((c) => (c === undefined ? -1 : (c['filtered_resps'] as number[]).length)));
  if (records.length > 0 && counts.size === 1 && !counts.has(-1) && classNames === undefined) {
    const table = recordTable(format, choices, lines, undefined);
    table.hints = { labelColumn: 'target', predColumns: ['filtered_resps'], evidence: lmEvalEvidence([...counts][0]!), lmEval: true };
    return table;
  }
  // Fields holding pipeline output in most sampled records: read as one score column per label,
  // the labels sorted (the rows' orders disagree, so no row's order is the model's).
  const isRecord = (r: unknown): r is Record<string, unknown> => r !== null && typeof r === 'object' && !Array.isArray(r);
  const first = records.find(isRecord);
  const scoreFields = first === undefined ? [] : Object.keys(first).filter((f) => records.filter((r) => isRecord(r) && labelScores(r[f]) !== undefined).length * 2 > records.length);
  // The pipeline's default (top_k=1): one {label, score} per record, the predicted class's confidence alone.
  const top1 = first === undefined ? undefined : Object.keys(first).find((f) => records.filter((r) => isRecord(r) && topOne(r[f])).length * 2 > records.length);
  if (scoreFields.length === 0 && top1 !== undefined) {
    throw new LayoutError(
      `field "${top1}" holds one {"label", "score"} per record: the predicted class and its confidence only (transformers' pipeline default, top_k=1), not a score per class, which cross-entropy needs. Run the pipeline with top_k=None and write its whole list: {"label": y, "${top1}": clf(text, top_k=None)}`,
      lines[0] ?? 0,
    );
  }
  let hints: SampleTable['hints'];
  if (scoreFields.length === 1 && classNames === undefined) {
    const f = scoreFields[0]!;
    let labels = [...new Set(records.flatMap((r) => (isRecord(r) ? [...(labelScores(r[f])?.keys() ?? [])] : [])))].sort();
    records = records.map((r) => (isRecord(r) ? spreadLabelScores(r, scoreFields) : r));
    // A model without id2label names class k LABEL_k: in that order a class id is its position.
    const byId = defaultLabelOrder(labels);
    if (byId !== undefined) labels = byId;
    classNames = labels;
    hints = {
      predColumns: labels.map((l) => scoreColumn(f, l)),
      ...(byId === undefined ? { byName: f } : {}),
      evidence: [
        `field "${f}" holds ${records.some((r) => isRecord(r) && Array.isArray(r[f])) ? 'a list of {"label", "score"}' : 'a {label: score} object of probabilities'} per record (transformers' pipeline(..., top_k=None) output): each score read as its label's class, by name; ` +
          (byId !== undefined
            ? `classes in the order of their numbers (${shortNames(labels)}: transformers' names for a model without id2label, LABEL_k is class k)`
            : `classes in sorted order (${labels.join(', ')})`),
      ],
    };
  }
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) continue;
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        columns.push(k);
      }
    }
  }
  const rows = records.map((r) =>
    columns.map((c) => (r !== null && typeof r === 'object' && !Array.isArray(r) ? (r as Record<string, Cell>)[c] : undefined)),
  );
  const table: SampleTable = classNames === undefined ? { format, columns, rows, lines } : { format, columns, rows, lines, classNames };
  if (hints !== undefined) {
    table.hints = hints;
    table.classNamesFrom = `the labels in field "${scoreFields[0]}"`;
  }
  return table;
}

export function makeRecordProcessor(layout: Layout, ctx: ReadContext): (rec: unknown, at: Position, where?: FieldPosition) => void {
  const filler = new SampleFiller(layout);
  const sample = filler.sample;
  const K = layout.numClasses;
  const preds = layout.predictionColumns;
  const vector = layout.predictionIsVector;
  const targets = layout.targetColumns;
  const label = layout.labelColumn;
  const weight = layout.weightColumn;
  // Pipeline-output fields the layout reads spread out (`scores.joy` from `scores`), as recordTable did.
  const spread = [...new Set(vector ? [] : preds.map((p) => p.slice(0, Math.max(0, p.indexOf('.')))).filter((f) => f !== ''))];
  // lm-eval samples, as recordTable read them: each record's choices' loglikelihoods (lmEvalChoices).
  const lmEval = layout.lmEvalChoices === true;
  // Valid records go into the batch when the reader's consumer takes batches (ReadOptions.batch).
  const batch = batchFor(layout, ctx);
  let current: Record<string, unknown> | undefined;
  const fields: RowFields = {
    text(column: string): string | undefined {
      const v = current?.[column];
      if (v === undefined) return undefined;
      return typeof v === 'string' ? v : JSON.stringify(v);
    },
  };

  return (rec, at, where) => {
    const rowIndex = ctx.rows++;
    const bad = (field: string | undefined, message: string): void => {
      const p = field !== undefined && where !== undefined ? where(field) : at;
      ctx.bad(p.line, p.column, message);
    };
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      return bad(undefined, `expected a record (an object with "${label}" and ${vector || preds.length === 1 ? `"${preds[0]}"` : 'prediction fields'}), found ${describe(rec)}`);
    }
    const r = lmEval ? (lmEvalChoices(rec) ?? (rec as Record<string, unknown>)) : spread.length > 0 ? spreadLabelScores(rec as Record<string, unknown>, spread) : (rec as Record<string, unknown>);
    if (vector) {
      const v = r[preds[0]!];
      if (v === undefined) return bad(undefined, `missing field "${preds[0]}"`);
      const m = filler.predictionVector(v);
      if (m !== undefined) return bad(preds[0], m);
    } else {
      for (let k = 0; k < K; k++) {
        const v = r[preds[k]!];
        if (v === undefined) return bad(undefined, `missing field "${preds[k]}"`);
        const m = filler.predictionCell(v, k);
        if (m !== undefined) return bad(preds[k], m);
      }
    }
    if (targets !== undefined) {
      for (let k = 0; k < K; k++) {
        const v = r[targets[k]!];
        if (typeof v !== 'number') return bad(v === undefined ? undefined : targets[k], v === undefined ? `missing field "${targets[k]}"` : `expected a number, found ${describe(v)} (${targets[k]})`);
        const m = filler.targetValue(v, k);
        if (m !== undefined) return bad(targets[k], m);
      }
      sample.target = filler.target!;
    } else {
      const v = r[label];
      if (v === undefined) return bad(undefined, `missing field "${label}"`);
      const m = filler.labelCell(v);
      if (m !== undefined) return bad(label, m);
    }
    if (weight !== undefined) {
      const v = r[weight];
      const m = typeof v === 'number' ? filler.weight(v) : `sample weight ${describe(v)} is not a number`;
      if (m !== undefined) return bad(weight, m);
    }
    if (batch !== undefined && !ctx.failed && typeof sample.target === 'number') {
      const i = batch.size;
      batch.labels[i] = sample.target;
      batch.preds.set(filler.pred, i * K);
      batch.rows[i] = rowIndex;
      batch.lines[i] = at.line;
      batch.size = i + 1;
      ctx.valid++;
      if (i + 1 === batch.capacity) ctx.batch!.flush();
      return;
    }
    current = r;
    ctx.deliver(sample, rowIndex, at.line, fields);
    current = undefined;
  };
}
