/**
 * Compare's messages in the editor's words: core names the CLI's flags (--match order,
 * --id-column NAME); the editor has a button for both, "Match samples by..."
 * (src/extension/dashboard/compare-match.ts), which the messages name instead.
 */

export const MATCH_BY = 'Match samples by...';

/** Core's compare messages in the editor's words: each flag becomes the button that does it. */
export function compareSpeaker(message: string): string {
  return message
    .replace(/, name another column with --id-column NAME, or match by row order with --match order\./, `, or choose another column or row order with ${MATCH_BY} (the button).`)
    .replace(/match by row order with --match order; if another column names them, give it with --id-column NAME\./, `choose row order with ${MATCH_BY} (the button); if another column names them, choose it there.`)
    .replace(/give both files an id column \(or name it with --id-column NAME\) to match them by id\./, `choose the column naming the samples with ${MATCH_BY} (the button) to match them by id.`)
    .replace(/name one with --id-column NAME\./, `choose one with ${MATCH_BY} (the button).`)
    .replace(/as asked \(--match order\)/, `as chosen (${MATCH_BY})`)
    .replace(/name it \(--id-column [ab]=NAME\), or match by row order\./, `choose it, or row order, with ${MATCH_BY} (the button).`)
    .replace(/--id-column (?:[ab]=)?NAME/g, `${MATCH_BY} (a column)`)
    .replace(/--match order/g, `${MATCH_BY} (row order)`);
}
