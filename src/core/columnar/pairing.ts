/**
 * Arrays saved as separate `.npy` files (`np.save("logits.npy", z)`, `np.save("labels.npy", y)`):
 * finding the other half of a pair among a folder's files, by name.
 */
import { npyStem } from './npy';

/** Stems of a labels array, in order of preference. */
const LABEL_STEMS = ['labels', 'label', 'label_ids', 'y_true', 'y', 'targets', 'target', 'y_test', 'gt', 'true_labels', 'truth'];
/** Stems of a scores array. */
const SCORE_STEMS = ['logits', 'probs', 'probabilities', 'predictions', 'preds', 'scores', 'y_pred', 'y_prob', 'y_proba', 'y_score', 'proba', 'outputs', 'softmax', 'pred'];

/** A stem split around a known word: `val_logits_ep3` -> `val_`, `logits`, `_ep3`. */
function around(stem: string, words: string[]): { pre: string; word: string; post: string } | undefined {
  const lower = stem.toLowerCase();
  for (const w of words) {
    const re = new RegExp(`(^|[_.-])${w.replace(/[.]/g, '\\.')}($|[_.-])`);
    const m = re.exec(lower);
    if (m === null) continue;
    const at = m.index + m[1]!.length;
    return { pre: stem.slice(0, at), word: stem.slice(at, at + w.length), post: stem.slice(at + w.length) };
  }
  return undefined;
}

/** The evidence line for a pair found by name. */
export function foundBesideEvidence(labels: string, predictions: string): string {
  const base = (p: string) => p.split(/[\\/]/).pop() ?? p;
  return `${base(labels)} found beside ${base(predictions)} by name (--labels FILE reads another)`;
}

/**
 * The scores' file and the labels' file of the pair `file` belongs to, among the names in its
 * folder (`siblings`, file names only), or undefined when there is none or more than one reading.
 */
export function npyPair(file: string, siblings: string[]): { predictions: string; labels: string } | undefined {
  if (!/\.npy$/i.test(file)) return undefined;
  const name = file.split(/[\\/]/).pop()!;
  const dir = file.slice(0, file.length - name.length);
  const stem = npyStem(name);
  const present = new Map(siblings.map((s) => [s.toLowerCase(), s]));
  const find = (pre: string, words: string[], post: string): string | undefined => {
    for (const w of words) {
      const hit = present.get(`${pre}${w}${post}.npy`.toLowerCase());
      if (hit !== undefined && hit !== name) return hit;
    }
    return undefined;
  };
  const asScores = around(stem, SCORE_STEMS);
  if (asScores !== undefined) {
    const labels = find(asScores.pre, LABEL_STEMS, asScores.post);
    return labels === undefined ? undefined : { predictions: file, labels: dir + labels };
  }
  const asLabels = around(stem, LABEL_STEMS);
  if (asLabels !== undefined) {
    const scores = find(asLabels.pre, SCORE_STEMS, asLabels.post);
    return scores === undefined ? undefined : { predictions: dir + scores, labels: file };
  }
  return undefined;
}
