/**
 * The RowReader of a data set already analysed: its files opened again (by the runtime's opener),
 * read with the first pass's layouts, every valid row handed over in RowBatches of raw scores.
 */
import { readingOverrides, type Analysis, type AnalysisRequest } from '../analyze';
import { RowBatch } from '../batch';
import { readSamples, type Layout } from '../parse';
import type { OpenShard } from '../shards';
import type { Sample } from '../types';
import type { RowReader } from './types';

/**
 * Why the rows of this layout cannot be read as one number for the label and a score per class:
 * soft or multi-hot targets have no single class. Undefined when they can.
 */
export function rowsUnavailable(layout: Layout): string | undefined {
  if (layout.kind === 'multilabel') return 'multi-label files are not covered yet (each label would need its own)';
  if (layout.targetKind === 'soft') return 'the targets are soft (a distribution per row), so no row has one given class';
  return undefined;
}

/** The row's class index or y: a one-hot target's hot class. */
function labelOf(target: Sample['target']): number {
  if (typeof target === 'number') return target;
  let best = 0;
  for (let k = 1; k < target.length; k++) if (target[k]! > target[best]!) best = k;
  return best;
}

/**
 * A reader over the files of `analysis` (one, or `analysis.files` in order), opened by `open` and
 * read with `layouts` (one per file: the first pass's). The rows each pass sees are counted against
 * the first pass's: a file rewritten since is refused, not read as the same data.
 */
export function dataRowReader(analysis: Analysis, request: AnalysisRequest, layouts: readonly Layout[], open: OpenShard, signal?: AbortSignal): RowReader {
  const expected = analysis.rows - analysis.skipped;
  return {
    async pass(onRows) {
      let seen = 0;
      for (const [file, layout] of layouts.entries()) {
        const batch = new RowBatch(layout.numClasses);
        const flush = () => {
          seen += batch.size;
          onRows(batch, file);
          batch.size = 0;
        };
        // Rows a reader cannot batch (named labels, one-hot targets, weights...) arrive one by one.
        const onSample = (sample: Sample, row: number, line: number) => {
          const i = batch.size++;
          batch.labels[i] = labelOf(sample.target);
          batch.preds.set(sample.prediction, i * batch.width);
          batch.rows[i] = row;
          batch.lines[i] = line;
          if (batch.size === batch.capacity) flush();
        };
        const read = await open(file, (source, labels) =>
          readSamples(source, { overrides: readingOverrides(request), skipInvalid: request.skipInvalid, signal, layout, labels, batch: { batch, flush } }, onSample),
        );
        if (batch.size > 0) flush();
        signal?.throwIfAborted();
        if (!read.ok) throw new Error(`${analysis.files?.[file]?.name ?? analysis.file}: ${read.problems[0]?.message ?? 'could not be read again'}`);
      }
      if (seen !== expected) {
        throw new Error(`${analysis.file} changed since it was read: ${expected.toLocaleString('en-US')} valid rows then, ${seen.toLocaleString('en-US')} now. Run the analysis again.`);
      }
    },
  };
}
