/** The CodeLens title at the top of a recognised file. Free of `vscode`: unit-tested in plain Node. */
import type { DocumentIndex } from '../../core/explain';
import { PRESETS } from '../../core/presets';
import { formatNumber } from '../../shared/render';
import { kindShort } from './hover-content';

/**
 * "Loss Lens: mean CE 0.4213 nats over 10,000 samples (preset classic)" ("CE from logits" when read
 * so, "· rows renormalised" when chosen for the file), or why there is no mean.
 */
export function codeLensTitle(index: DocumentIndex): string {
  const a = index.analysis;
  if (!a) {
    const n = Math.max(index.problemCount, index.problems.length);
    return `Loss Lens: cannot compute the loss (${n} problem${n === 1 ? '' : 's'})`;
  }
  const b = a.breakdown;
  const unit = b.base === '2' ? 'bits' : 'nats';
  const stat = a.options.reduction === 'sum' ? 'total' : 'mean';
  const from = a.options.input === 'logits' ? ' from logits' : '';
  let title = `Loss Lens: ${stat} ${kindShort(b.kind)}${from} ${formatNumber(a.value, 'markdown', 4)} ${unit} over ${b.count.toLocaleString('en-US')} samples (preset ${PRESETS[a.preset].name})`;
  // A per-file choice the preset would not make: say it is in force.
  if (a.options.renormalise === true && !PRESETS[a.preset].params.renormalise) title += ' · rows renormalised';
  const bad = Math.max(index.problemCount, index.problems.length);
  if (bad > 0) title += ` · ${bad} row${bad === 1 ? '' : 's'} skipped`;
  return title;
}
