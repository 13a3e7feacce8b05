/** `--explain LINE`: one sample's loss derived step by step, from Bayes to the data set's mean. */
import type { Analysis } from '../core/analyze';
import { derive } from '../core/derivation';
import { lossUnderPresets } from '../core/losses';
import { readSamples, type ByteSource } from '../core/parse';
import type { Sample } from '../core/types';
import { presetsLine, renderPreambleText, renderText } from '../shared/render';

/** Reads the file once more and keeps a copy of the sample that starts on `line`. */
async function sampleOnLine(source: ByteSource, a: Analysis, line: number): Promise<{ sample: Sample; row: number } | undefined> {
  let found: { sample: Sample; row: number } | undefined;
  await readSamples(source, { layout: a.layout, skipInvalid: true }, (s, row, l) => {
    if (l !== line || found) return;
    const target = typeof s.target === 'number' ? s.target : Float64Array.from(s.target);
    found = { sample: { prediction: Float64Array.from(s.prediction), target, weight: s.weight }, row };
  });
  return found;
}

export async function renderExplanation(source: ByteSource, a: Analysis, line: number): Promise<string | undefined> {
  const hit = await sampleOnLine(source, a, line);
  if (!hit) return undefined;
  const d = derive(hit.sample, a.options, a.layout.numClasses, a.layout.classNames);
  const out = [`Sample on line ${line} (row ${hit.row})`, '', renderText(d), '', 'Where the loss comes from', renderPreambleText(d, { mean: a.breakdown.mean, count: a.breakdown.count })];
  const presets = presetsLine(lossUnderPresets(hit.sample, a.options, a.layout.numClasses));
  if (presets) out.push('', presets);
  return out.join('\n') + '\n';
}
