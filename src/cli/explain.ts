/** `--explain LINE`: one sample's loss derived step by step, from Bayes to the data set's mean. */
import type { Analysis } from '../core/analyze';
import { derive } from '../core/derivation';
import { lossUnderPresets } from '../core/losses';
import type { ByteSource } from '../core/parse';
import { sampleOnLine } from '../core/sample-on-line';
import { logVersusSquared } from '../core/log-vs-squared';
import { logVersusSquaredText, presetsLine, renderPreambleText, renderText } from '../shared/render';

export async function renderExplanation(source: ByteSource, a: Analysis, line: number): Promise<string | undefined> {
  const hit = await sampleOnLine(source, a.layout, line);
  if (!hit) return undefined;
  const d = derive(hit.sample, a.options, a.layout.numClasses, a.layout.classNames);
  const out = [`Sample on line ${line} (row ${hit.row})`, '', renderText(d), '', 'Where the loss comes from', renderPreambleText(d, { mean: a.breakdown.mean, count: a.breakdown.count })];
  const presets = presetsLine(lossUnderPresets(hit.sample, a.options, a.layout.numClasses));
  if (presets) out.push('', presets);
  const contrast = logVersusSquared(d);
  if (contrast) out.push('', 'Why log loss and not squared error', ...logVersusSquaredText(contrast, a.layout.kind === 'bce'));
  return out.join('\n') + '\n';
}
