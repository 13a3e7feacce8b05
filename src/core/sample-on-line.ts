/**
 * The sample that starts on a given line, read once more with the file's layout: what the
 * dashboard's derivation panel (and the CLI's --explain) substitutes into the formulas.
 */
import { readSamples, type ByteSource, type Layout } from './parse';
import type { Sample } from './types';

export interface SampleHit {
  sample: Sample;
  /** 0-based row among the file's samples. */
  row: number;
}

/** Copies the sample out of the reader's reused buffers; undefined when no sample starts on `line`. */
export async function sampleOnLine(source: ByteSource, layout: Layout, line: number, signal?: AbortSignal): Promise<SampleHit | undefined> {
  let found: SampleHit | undefined;
  await readSamples(source, { layout, skipInvalid: true, signal }, (s, row, l) => {
    if (l !== line || found) return;
    const target = typeof s.target === 'number' ? s.target : Float64Array.from(s.target);
    found = { sample: { prediction: Float64Array.from(s.prediction), target, weight: s.weight }, row };
  });
  return found;
}
