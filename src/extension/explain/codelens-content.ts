/** The CodeLens title at the top of a recognised file. Free of `vscode`: unit-tested in plain Node. */
import type { DocumentIndex } from '../../core/explain';
import type { Layout, LayoutOverrides } from '../../core/parse';
import { editorSpeaker } from '../../shared/speak';
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
  if (a.options.ignoreIndex !== undefined) title += ` · ${b.ignoredCount.toLocaleString('en-US')} labelled ${a.options.ignoreIndex} ignored`;
  const bad = Math.max(index.problemCount, index.problems.length);
  if (bad > 0) title += ` · ${bad} row${bad === 1 ? '' : 's'} skipped`;
  return title;
}

export interface AssumptionLens {
  /** "$(warning) Assumed probabilities" */
  title: string;
  /** "Read as logits" */
  otherTitle: string;
  /** The whole assumption, in the editor's words. */
  tooltip: string;
  other: LayoutOverrides;
}

/** A pair of lenses per assumption: what was assumed (hover for why) and the other reading. */
export function assumptionLenses(layout: Layout | undefined): AssumptionLens[] {
  return (layout?.assumptions ?? []).map((a) => ({
    title: `$(warning) Assumed ${a.short}`,
    otherTitle: a.otherLabel[0]!.toUpperCase() + a.otherLabel.slice(1),
    tooltip: editorSpeaker(`Loss Lens assumed: ${a.text}`),
    other: a.other,
  }));
}

/** "Read with ranks/rank0.jsonl's layout": the lens of a file read with the layout of the files beside it, from why it was (its first clause). */
export function besideTitle(settled: string): string {
  const open = settled.indexOf(' (');
  const clause = open > 0 ? settled.slice(0, open) : settled;
  return clause[0]!.toUpperCase() + clause.slice(1);
}
