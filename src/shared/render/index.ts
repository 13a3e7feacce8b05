/**
 * Renderers of a sample's loss derivation (src/core/derivation.ts): plain text for the CLI and
 * screen readers, Markdown for hovers, TeX for the dashboard's KaTeX panel, and the chain from
 * Bayes' rule to the mean loss. Pure: bundled into the extension host, the webview and the CLI.
 */
export { formatNumber, formatter, type NumberStyle, type Fmt } from './format';
export { type RenderOptions } from './context';
export { renderText, textSteps, headerText, type TextStep, type TextRenderOptions } from './text';
export { renderHoverMarkdown, escapeMarkdown, type HoverContext } from './markdown';
export { renderTexSteps, escapeTexText, texText, type TexEntry, type TexRenderOptions } from './tex';
export { renderPreamble, renderPreambleText, BAYES_EXAMPLE, type DatasetSummary } from './preamble';
export { clippingLines, presetsLine, type ClippingLines, type PresetsLineOptions } from './presets-line';
export { logVersusSquaredText } from './log-vs-squared';
