/**
 * Messages in the words of the interface in use. Core names every way out as a CLI flag
 * (src/core/parse/flags.ts); in the editor, the same advice names the command that does it.
 */

/** Rewrites the flags a message names; the CLI's is the identity. */
export type Speaker = (message: string) => string;

export const cliSpeaker: Speaker = (m) => m;

const CHOOSE = 'Loss Lens: Choose Columns...';

const LABELS_ELSEWHERE = '(--labels FILE reads another)';

/** A flag with its value: a quoted word, a JSON array, or a bare word (`--input logits`). */
const FLAG_RE = /--(label-column|pred-columns|class-names|input|loss|ignore-index)(?: ('[^']*'|"[^"]*"|\[[^\]]*\]|[^\s;,()]+(?:,[^\s;,()]+)*(?:,\.\.\.)?))?|--(skip-invalid)/g;

function editorWords(flag: string, value: string | undefined): string {
  switch (flag) {
    case 'label-column':
      return `${CHOOSE} (the label column)`;
    case 'pred-columns':
      return `${CHOOSE} (the prediction columns)`;
    case 'class-names':
      return `${CHOOSE} (the class names)`;
    case 'input':
      return `${CHOOSE} (${value === 'logits' ? 'logits' : value === 'probs' ? 'probabilities' : 'probabilities or logits'})`;
    case 'loss':
      return `${CHOOSE} (the loss: ${value ?? 'bce, ce or multilabel'})`;
    case 'ignore-index':
      return `Ignore Label ${value ?? ''} (the quick fix, or the button on the error)`;
    default:
      return 'Skip Invalid Rows (the button on the error)';
  }
}

/** The editor's words: `--input logits --class-names a,b` becomes one `Loss Lens: Choose Columns... (logits, the class names)`. */
export const editorSpeaker: Speaker = (said) => {
  // The editor has no way to pick another labels file than the one found beside the scores.
  const m = said.replace(LABELS_ELSEWHERE, "(the CLI's --labels FILE reads another)");
  const out: string[] = [];
  let at = 0;
  let run: string[] = [];
  let runEnd = 0;
  const flush = (): void => {
    if (run.length === 0) return;
    const choose = run.filter((w) => w.startsWith(CHOOSE)).map((w) => w.slice(CHOOSE.length + 2, -1));
    const other = run.filter((w) => !w.startsWith(CHOOSE));
    out.push([...(choose.length > 0 ? [`${CHOOSE} (${choose.join(', ')})`] : []), ...other].join(' and '));
    run = [];
  };
  for (const match of m.matchAll(FLAG_RE)) {
    const start = match.index;
    const between = m.slice(at, start);
    if (run.length > 0 && between.trim() !== '') flush();
    if (run.length === 0) out.push(between);
    run.push(editorWords(match[1] ?? match[3]!, match[2]));
    at = runEnd = start + match[0].length;
  }
  flush();
  out.push(m.slice(runEnd === 0 ? at : runEnd));
  return out.join('');
};
