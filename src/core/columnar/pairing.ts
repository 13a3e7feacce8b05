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

/** Labels a user chose for the scores' file (two files selected together in the explorer). */
export function chosenLabelsEvidence(labels: string, predictions: string): string {
  const base = (p: string) => p.split(/[\\/]/).pop() ?? p;
  return `${base(labels)} holds the labels of ${base(predictions)}'s rows (the two were chosen together)`;
}

/** The evidence line of a labels' file: found beside the scores by name, or chosen. */
export function labelsEvidence(labels: { name: string; found: boolean }, predictions: string): string {
  return labels.found ? foundBesideEvidence(labels.name, predictions) : chosenLabelsEvidence(labels.name, predictions);
}

/** The evidence line for a pair found by name. */
export function foundBesideEvidence(labels: string, predictions: string): string {
  const base = (p: string) => p.split(/[\\/]/).pop() ?? p;
  return `${base(labels)} found beside ${base(predictions)} by name (--labels FILE reads another)`;
}

/**
 * Of two files chosen together (selected in the explorer), which one holds the labels, by their
 * names (`labels`, `y_true`... against `logits`, `probs`...); undefined when the names do not tell.
 */
export function labelsAmong(a: string, b: string): 0 | 1 | undefined {
  const stem = (p: string) => (p.split(/[\\/]/).pop() ?? p).replace(/\.[^.]+$/, '');
  const labels = [a, b].map((p) => around(stem(p), LABEL_STEMS) !== undefined);
  const scores = [a, b].map((p) => around(stem(p), SCORE_STEMS) !== undefined);
  if (labels[0] !== labels[1]) return labels[0] ? 0 : 1;
  if (scores[0] !== scores[1]) return scores[0] ? 1 : 0;
  return undefined;
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
