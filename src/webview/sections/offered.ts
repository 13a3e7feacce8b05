/**
 * A diagnostic the dashboard did not run by itself (a file above
 * lossLens.extraPasses.autoMaxMillionScores): what it would cost, and a button that asks for it.
 */
import type { DashboardData } from '../../shared/protocol';
import type { Ctx } from '../context';
import { int } from '../format';

export function offeredNote(ctx: Ctx, data: DashboardData, key: string, what: string, button: string): HTMLElement | null {
  if (!data.offered?.includes(key)) return null;
  const { dom } = ctx;
  const scores = data.report.rows * data.report.layout.numClasses;
  const ask = dom.h('button', { type: 'button', class: 'secondary', 'data-testid': `${key}-run` }, button);
  ask.addEventListener('click', () => {
    ask.setAttribute('disabled', '');
    ctx.post({ type: 'diagnose', key });
  });
  return dom.h('div', { 'data-testid': `${key}-offered` },
    dom.h('p', { class: 'muted' }, `Not worked out by itself on a file of ${int(scores)} scores: ${what}.`),
    dom.h('div', { class: 'actions' }, ask));
}
