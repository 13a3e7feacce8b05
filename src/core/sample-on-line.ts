/**
 * The sample that starts on a given line, read once more with the file's layout: what the
 * dashboard's derivation panel (and the CLI's --explain) substitutes into the formulas.
 */
import { isBinaryFormat } from './formats';
import { readSamples, type ByteSource, type Layout } from './parse';
import type { Sample } from './types';

export interface SampleHit {
  sample: Sample;
  /** 0-based row among the file's samples. */
  row: number;
}

/**
 * Copies the sample out of the reader's reused buffers; undefined when no sample starts on `line`.
 * Several JSON records can start on one line: `row`, when given, picks among them (the first
 * sample on the line is taken if none has that row, say after the file changed).
 */
export async function sampleOnLine(
  source: ByteSource, layout: Layout, line: number, signal?: AbortSignal, row?: number, labels?: ByteSource,
): Promise<SampleHit | undefined> {
  let first: SampleHit | undefined;
  let exact: SampleHit | undefined;
  const copy = (s: Sample, r: number): SampleHit => {
    const target = typeof s.target === 'number' ? s.target : Float64Array.from(s.target);
    return { sample: { prediction: Float64Array.from(s.prediction), target, weight: s.weight }, row: r };
  };
  if (isBinaryFormat(layout.format)) {
    // A binary file's `line` is its row plus one: read that row alone (`labels`: the labels' file of a pair).
    const at = line - 1;
    await readSamples(source, { layout, skipInvalid: true, signal, labels, range: { start: at, end: at + 1 } }, (s) => {
      first ??= copy(s, at);
    });
    return first;
  }
  await readSamples(source, { layout, skipInvalid: true, signal }, (s, r, l) => {
    if (l !== line || exact) return;
    if (r === row) exact = copy(s, r);
    else if (!first) first = copy(s, r);
  });
  return exact ?? first;
}
