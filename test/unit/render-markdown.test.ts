/**
 * Hover Markdown: the exact hover for BCE y=1, p=0.8; escaping of class names with Markdown's
 * special characters, checked by rendering with markdown-it (CommonMark + tables, as VS Code's
 * hovers); the multi-label table; compactness for a 10-class sample; the presets line.
 */
import { strict as assert } from 'node:assert';
import { createRequire } from 'node:module';
import { derive } from '../../src/core/derivation';
import { lossUnderPresets } from '../../src/core/losses';
import { DEFAULT_OPTIONS, type LossOptions } from '../../src/core/types';
import { escapeMarkdown, renderHoverMarkdown } from '../../src/shared/render/markdown';
import { presetsLine } from '../../src/shared/render/presets-line';

// markdown-it ships with @vscode/vsce (no type declarations): a CommonMark reference renderer.
interface MarkdownIt { render(src: string): string }
const MarkdownItCtor = createRequire(import.meta.url)('markdown-it') as new (options?: object) => MarkdownIt;
const md = new MarkdownItCtor({ html: false, linkify: false });

const bce: LossOptions = { ...DEFAULT_OPTIONS, kind: 'bce' };

/** The visible text of rendered HTML (entities decoded), to compare with what the user should read. */
function visible(html: string): string {
  return html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

describe('render: hover Markdown', () => {
  it('BCE y=1, p=0.8: header with value, kind, preset and base; the steps; rank and dashboard link', () => {
    const d = derive({ prediction: [0.8], target: 1 }, bce, 1);
    const out = renderHoverMarkdown(d, {
      sample: 'row 12', rank: 3, total: 100, openCommandUri: 'command:lossLens.showSample?%5B3%5D',
      presetValues: lossUnderPresets({ prediction: [0.8], target: 1 }, bce, 1),
    });
    assert.equal(out, [
      '**Loss 0.2231 nats · binary cross-entropy · preset Classic log loss · ln (nats)** · row 12 · rank 3 of 100',
      '',
      '- **Model** y is a Bernoulli draw with P(y=1 \\| x) = p, so P(y \\| x) = p^y (1-p)^(1-y).',
      '- **Formula** loss = -ln P(y \\| x) = -\\[y ln p + (1-y) ln(1-p)\\]; Preset: Classic log loss. ln is the natural log (nats).',
      '- **Values** y = 1, p = 0.8',
      '- **Log (ln)** ln p = ln 0.8 = -0.2231',
      '- **Negative log-likelihood** loss = y (-ln p) = 1 × 0.2231 = 0.2231',
      '',
      '[Open in the Loss Lens dashboard](command:lossLens.showSample?%5B3%5D)',
    ].join('\n'));
    // Every preset agrees on p = 0.8, so no presets line.
    const html = md.render(out);
    assert.match(html, /<a href="command:lossLens\.showSample\?%5B3%5D">Open in the Loss Lens dashboard<\/a>/);
    assert.ok(visible(html).includes('-[y ln p + (1-y) ln(1-p)]'));
  });

  it('class names with Markdown specials are shown literally: no emphasis, link, HTML or extra table cell', () => {
    const names = ['a|b*', '[x](http://e.com)', '<b>&amp;_u_`c`'];
    const sample = { prediction: [0, 0.5, 0.5], target: 0 };
    const out = renderHoverMarkdown(derive(sample, DEFAULT_OPTIONS, 3, names), { presetValues: lossUnderPresets(sample, DEFAULT_OPTIONS, 3) });
    const html = md.render(out);
    assert.ok(!/<(em|a|code|b)\b/.test(html), html);
    const text = visible(html);
    for (const n of names) assert.ok(text.includes(`p_"${n}"`), `${n} not literal in ${text}`);
    assert.ok(text.includes('Under each preset: Classic log loss 34.54 · PyTorch ∞ · Keras 16.12 · scikit-learn 36.04 · No clipping ∞'));
    assert.equal(escapeMarkdown('a|b*'), 'a\\|b\\*');

    // In the multi-label table a "|" in a name must stay inside its cell.
    const ml = derive({ prediction: [0.8, 0.3], target: [1, 0] }, { ...DEFAULT_OPTIONS, kind: 'multilabel' }, 2, ['a|b*', 'c_d']);
    const table = md.render(renderHoverMarkdown(ml));
    const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...(m[1] ?? '').matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => visible(c[1] ?? '')));
    assert.deepEqual(rows, [['label', 'y', 'p', 'loss'], ['a|b*', '1', '0.8', '0.2231'], ['c_d', '0', '0.3', '0.3567']]);
  });

  it('a 10-class sample fits a hover: about a dozen lines, the long vector abbreviated', () => {
    const p = [0.02, 0.01, 0.03, 0.6, 0.05, 0.04, 0.05, 0.1, 0.06, 0.04];
    const sample = { prediction: p, target: 7 };
    const out = renderHoverMarkdown(derive(sample, DEFAULT_OPTIONS, 10), {
      rank: 1, total: 360, openCommandUri: 'command:x', presetValues: lossUnderPresets(sample, DEFAULT_OPTIONS, 10),
    });
    assert.ok(out.split('\n').length <= 12, out);
    assert.ok(out.includes('- **Values** true class 7; predicted class 3; p\\_3 = 0.6, p\\_4 = 0.05, p\\_7 = 0.1, p\\_8 = 0.06, … 6 more classes'), out);
    assert.ok(out.includes('- **Negative log-likelihood** loss = -ln p\\_7 = 2.303'));
  });

  it('bits, sample weight and Infinity in the hover', () => {
    const d = derive({ prediction: [0], target: 1, weight: 2 }, { ...bce, preset: 'none', base: '2' }, 1);
    const out = renderHoverMarkdown(d);
    assert.match(out.split('\n')[0] ?? '', /^\*\*Loss ∞ bits · binary cross-entropy · preset No clipping · log2 \(bits\)\*\*$/);
    assert.ok(out.includes('- **Log (ln)** ln p = ln 0 = -∞'));
    assert.ok(out.includes("- **Loss** ∞ bits; weight 2 in the mean's denominator"));
  });

  it('the presets line appears only when the presets disagree beyond rounding', () => {
    const zero = lossUnderPresets({ prediction: [0], target: 1 }, bce, 1);
    assert.equal(presetsLine(zero), 'Classic log loss 34.54 · PyTorch 100 · Keras 16.12 · scikit-learn 36.04 · No clipping Infinity');
    assert.equal(presetsLine(zero, { style: 'markdown' }), 'Classic log loss 34.54 · PyTorch 100 · Keras 16.12 · scikit-learn 36.04 · No clipping ∞');
    assert.equal(presetsLine(lossUnderPresets({ prediction: [0.8], target: 1 }, bce, 1)), null);
    // 1e-9 is clipped only by Keras (1e-7): the others agree.
    const tiny = lossUnderPresets({ prediction: [1e-9], target: 1 }, bce, 1);
    assert.equal(presetsLine(tiny), 'Classic log loss 20.72 · PyTorch 20.72 · Keras 16.12 · scikit-learn 20.72 · No clipping 20.72');
    // Differences below the shown precision do not count.
    assert.equal(presetsLine({ classic: 0.2231435, pytorch: 0.2231436, keras: 0.22314, sklearn: 0.2231435, none: 0.2231435 }), null);
  });
});
