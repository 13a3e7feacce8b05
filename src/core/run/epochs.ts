/**
 * A run held in one file: a column such as `epoch` or `step` says which epoch (or checkpoint) each
 * row belongs to, as a training loop that appends every evaluation to one log writes it. The file
 * is read once; its rows are grouped by that column's value, each group taken as one file of the
 * run (with its own accumulator, so its mean, accuracy and per-class loss are those a file of its
 * rows would report), in increasing order of the value, then matched and stored as readRun does.
 * Pure: the desktop (node/run-epochs.ts) and the browser build's Web Worker (web/job.ts) give it
 * the file.
 */
import { analyze, accumulatorConfig, inferFileLayout, type AnalysisRequest } from '../analyze';
import { createAccumulator } from '../breakdown/accumulator';
import type { ByteSource, Layout } from '../parse';
import { normName } from '../parse/cells';
import { chooseMatching, fileSamplesCollector, runReport, RunMatchError, trajectoryBuilder, type RunDetail, type RunFile, type TrajectoryStore } from './index';
import { naturalCompare } from '../shards';

/** Names of a column numbering the epochs or checkpoints, in order of preference. */
export const EPOCH_NAMES = ['epoch', 'global_step', 'step', 'checkpoint', 'ckpt', 'iteration', 'iter', 'round'];

/** The column of `layout` that numbers the epochs: a usual name, and no role in the loss or the matching. */
export function epochColumn(layout: Layout): string | undefined {
  const roles = new Set([layout.labelColumn, ...(layout.targetColumns ?? []), ...layout.predictionColumns, layout.weightColumn, layout.idColumn, layout.hardPredictionColumn]);
  for (const want of EPOCH_NAMES) {
    const hit = layout.columns.find((c) => !roles.has(c) && normName(c) === want);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** Epoch values in increasing order: as numbers when all are, else in natural order. */
function epochOrder(values: string[]): string[] {
  const numeric = values.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
  return [...values].sort(numeric ? (a, b) => Number(a) - Number(b) : naturalCompare);
}

/** What readRun gives: the report, the trajectory store and the layout. */
export type EpochRunRead = RunDetail & { store: TrajectoryStore; layout: Layout };

interface Group {
  rows: number;
  collector: ReturnType<typeof fileSamplesCollector>;
  acc: ReturnType<typeof createAccumulator>;
}

/**
 * Reads a one-file run, or undefined when the file has no epoch column (the caller then says a
 * run is two files or more). Throws RunMatchError naming the line of a row without an epoch, or
 * when the file holds one epoch only.
 */
export async function readEpochSource(name: string, source: ByteSource, request: AnalysisRequest, opts: { signal?: AbortSignal; top: number; match?: 'auto' | 'order' }): Promise<EpochRunRead | undefined> {
  const layout = await inferFileLayout(source, request, opts.signal);
  const column = epochColumn(layout);
  if (column === undefined) return undefined;
  if (layout.kind === 'multilabel') throw new RunMatchError(`${name}: a run follows each sample's true class across epochs; multi-label files have none`);
  const matching = chooseMatching([layout.idColumn], opts.match ?? 'auto');
  const idColumn = matching.by === 'id' ? matching.column : undefined;
  const groups = new Map<string, Group>();
  const config = accumulatorConfig(layout, request);
  let noEpoch: { line: number; count: number } | undefined;
  await analyze(source, request, {
    layout,
    signal: opts.signal,
    onEval: (e, _row, line, fields) => {
      const key = fields.text(column)?.trim();
      if (key === undefined || key === '') {
        noEpoch = { line: noEpoch?.line ?? line, count: (noEpoch?.count ?? 0) + 1 };
        return;
      }
      let g = groups.get(key);
      if (g === undefined) {
        g = { rows: 0, collector: fileSamplesCollector(`${name} [${column} ${key}]`, idColumn), acc: createAccumulator(config) };
        groups.set(key, g);
      }
      const r = g.rows++;
      g.collector.onEval(e, r, line, fields);
      g.acc.add(e, r, line);
    },
  });
  if (noEpoch !== undefined) {
    const more = noEpoch.count > 1 ? ` (and ${noEpoch.count - 1} more row${noEpoch.count === 2 ? '' : 's'})` : '';
    throw new RunMatchError(`${name}:${noEpoch.line}: no value in the column "${column}", which says each row's epoch${more}: every row needs one`);
  }
  const keys = epochOrder([...groups.keys()]);
  if (keys.length < 2) throw new RunMatchError(`${name}: the column "${column}" holds one value (${keys[0] ?? 'none'}): a run is two epochs or more`);
  const builder = trajectoryBuilder(keys.length, matching, layout.classNames);
  const files: RunFile[] = keys.map((key, f) => {
    const g = groups.get(key)!;
    const samples = g.collector.result(g.rows);
    builder.add(samples, f);
    const b = g.acc.result();
    return { name: samples.name, rows: g.rows, count: b.count, mean: b.mean, accuracy: b.accuracy, classes: b.classes.map((c) => ({ name: c.name, support: c.support, meanLoss: c.meanLoss })) };
  });
  const store = builder.finish();
  const detail = runReport(files, store, matching, keys.map(() => layout.idColumn), layout.classNames, opts.top);
  const order = `Epochs are the values of the column "${column}" of ${name}, in increasing order (${keys.length > 6 ? `${keys.slice(0, 3).join(', ')}, ..., ${keys.at(-1)}` : keys.join(', ')}), each one file of the run.`;
  return { ...detail, report: { ...detail.report, order }, store, layout };
}
