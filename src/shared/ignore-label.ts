/**
 * The label value a reading problem suggests leaving out (core's hint on a negative whole label:
 * "read with --ignore-index -100"), for the editor's quick fix and the dashboard's button.
 */
export function suggestedIgnoreLabel(message: string): number | undefined {
  // The CLI's words, or the editor's (editorSpeaker) once spoken.
  const m = /(?:--ignore-index|Ignore Label) (-?\d+)/.exec(message);
  return m === null ? undefined : Number(m[1]);
}
