/**
 * `<dataset-report>`: the dataset report page. Counts, tag frequencies, resolution and aspect-ratio histograms and
 * caption lengths (with the captions the text encoders will cut), as tables whose bars are small SVGs (the text is
 * HTML, so it keeps its size at any width), coloured only with `--vscode-*` variables, and copyable as Markdown.
 *
 * Events: `copy-markdown` ({ detail: { text } }) from "Copy as Markdown", `show-tagging` from "Back to tagging";
 * both bubble and cross shadow roots. No inline `style` attributes (the panel's CSP forbids them): bar lengths
 * are SVG attributes. Its header (the title and both buttons) stays at the top of the page as it scrolls.
 */
import { LitElement, css, html, nothing, svg, type PropertyValues } from 'lit';
import type { DatasetView } from '../../shared/protocol';
import {
  buildReport,
  reportToMarkdown,
  CLIP_TOKEN_LIMIT,
  T5_TOKEN_LIMIT,
  type Bucket,
  type Report,
} from '../../shared/report';
import { baseStyles } from './styles';
import { DEFAULT_RESOLUTION } from '../../shared/buckets/kohya';
import { BUCKET_NAMES } from '../../shared/buckets/sizes';

/** A bar's length is drawn in these SVG user units (the SVG stretches to its cell). */
const BAR_W = 100;
/** Tags listed as "used once" before "and N more". */
const ONCE_SHOWN = 200;

/** The trainer whose buckets the chart's accessible name says (CivitAI's default engine is kohya's). */
const BUCKET_SHORT = {
  civitai: 'kohya',
  kohya: 'kohya',
  'ai-toolkit': 'ai-toolkit',
  simpletuner: 'SimpleTuner',
  huggingface: '',
};
/** The export target as the chart's caption names it. */
const TARGET_NAMES = {
  civitai: "CivitAI's trainer",
  kohya: 'kohya',
  'ai-toolkit': 'ai-toolkit',
  simpletuner: 'SimpleTuner',
  huggingface: 'Hugging Face',
};

/** The dataset report page. */
export class DatasetReport extends LitElement {
  static override properties = { dataset: { attribute: false } };
  static override styles = [
    baseStyles,
    css`
      :host { display: block; padding: 0 16px 24px; }
      .page { max-width: 900px; }
      header {
        position: sticky;
        top: 0;
        z-index: 1;
        display: flex;
        align-items: center;
        gap: 8px;
        flex-wrap: wrap;
        padding: 8px 0;
        background: var(--vscode-editor-background);
        border-bottom: 1px solid var(--vscode-panel-border, transparent);
      }
      h2 { font-size: 1.3em; margin: 0 8px 0 0; font-weight: 600; overflow-wrap: anywhere; }
      h3 { font-size: 1.1em; margin: 20px 0 6px; font-weight: 600; }
      .stats { display: flex; gap: 16px; flex-wrap: wrap; margin: 8px 0; padding: 0; }
      .stats div { display: flex; flex-direction: column-reverse; min-width: 80px; padding: 6px 10px;
        border: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, transparent)); border-radius: 4px;
        background: var(--vscode-editorWidget-background); }
      .stats dd { margin: 0; font-size: 1.6em; font-variant-numeric: tabular-nums; }
      .stats dt { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
      figure { margin: 4px 0 12px; }
      figcaption { color: var(--vscode-descriptionForeground); margin-bottom: 4px; }
      table.chart { width: 100%; max-width: 560px; table-layout: fixed; }
      table.chart th {
        width: 34%;
        font-weight: normal;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      table.chart td.count { width: 4.5em; }
      table.chart th, table.chart td { border: none; padding: 1px 8px 1px 0; }
      table.chart svg { display: block; width: 100%; height: 14px; }
      .bar { fill: var(--vscode-charts-blue, var(--vscode-progressBar-background)); }
      .bar.warn { fill: var(--vscode-charts-orange, var(--vscode-editorWarning-foreground)); }
      .track { fill: var(--vscode-editorWidget-background, transparent); stroke: var(--vscode-contrastBorder, none); }
      table { border-collapse: collapse; margin: 4px 0; }
      th, td { text-align: left; padding: 2px 12px 2px 0; border-bottom: 1px solid var(--vscode-widget-border, transparent); }
      td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
      .once { line-height: 1.6; }
      .note { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
      .cut { color: var(--vscode-list-warningForeground, var(--vscode-editorWarning-foreground)); }
    `,
  ];

  /**
   * The dataset to report on (a DatasetView; set it as a property). The name shadows HTMLElement.dataset, which this
   * element never uses; the type keeps DOMStringMap in it only so the class stays a valid HTMLElement for TypeScript.
   */
  declare dataset: DOMStringMap & Partial<DatasetView>;

  private report: Report | undefined;

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('dataset')) this.report = this.data ? buildReport(this.data) : undefined;
  }

  private get data(): DatasetView | undefined {
    return this.dataset as unknown as DatasetView | undefined;
  }

  override render() {
    const r = this.report;
    if (!r) return html`<p class="muted" role="status">No dataset loaded.</p>`;
    const c = r.counts;
    return html`<div class="page"><header>
        <h2>Dataset report${this.data?.title ? `: ${this.data.title}` : ''}</h2>
        <button class="btn secondary" @click=${this.onBack}>Back to tagging</button>
        <button class="btn" @click=${this.onCopy}>Copy as Markdown</button>
      </header>
      <dl class="stats" aria-label="Image counts">
        <div><dt>Images</dt><dd>${c.images}</dd></div>
        <div><dt>Tagged</dt><dd>${c.tagged}</dd></div>
        <div><dt>Untagged</dt><dd>${c.untagged}</dd></div>
        <div><dt>Skipped</dt><dd>${c.skipped}</dd></div>
        <div title="Machine-written captions nobody has edited or accepted yet"><dt>AI, not reviewed</dt><dd>${c.unreviewed}</dd></div>
      </dl>
      <p class="note">Statistics below cover the ${r.exported} images that will be exported (skipped ones left out).</p>

      <h3>Tags</h3>
      <p>${r.tags.distinct} distinct tags, the trigger word left out.</p>
      ${
        r.tags.top.length
          ? this.chart(
              'Most used tags',
              'Images using each of the most used tags',
              r.tags.top.map((t) => ({ label: t.tag, count: t.count })),
            )
          : html`<p class="muted">No tags yet.</p>`
      }
      ${this.renderUsedOnce(r)}

      <h3>Resolutions</h3>
      ${this.chart('Images by longest side, in pixels. Under 256 px is upscaled; over 2048 px is downscaled.', 'Images by longest side in pixels', r.resolutions, (b) => b.label === '< 256' || b.label === '> 2048')}

      <h3>Aspect ratios</h3>
      ${this.chart('Images by nearest aspect ratio (width:height)', 'Images by nearest aspect ratio', r.aspectRatios)}

      <h3>Buckets</h3>
      ${
        r.bucketTarget === 'huggingface'
          ? html`<p class="muted">A Hugging Face imagefolder has no buckets: the training script that loads it decides the sizes.</p>`
          : this.chart(
              `Images by the bucket they land in for ${TARGET_NAMES[r.bucketTarget]}: ${BUCKET_NAMES[r.bucketTarget]} buckets at resolution ${DEFAULT_RESOLUTION}, after EXIF orientation and crops`,
              `Images by ${BUCKET_SHORT[r.bucketTarget]} bucket`,
              r.buckets,
            )
      }
      ${this.renderImageBuckets(r)}

      <h3>Caption lengths</h3>
      <p>Words per caption: min ${r.captions.minWords}, median ${r.captions.medianWords}, max ${r.captions.maxWords}${r.captions.empty ? html`; <span class="cut">${r.captions.empty} empty</span>` : nothing}.</p>
      ${this.chart('Captions by length in words', 'Captions by length in words', r.captions.lengths)}
      ${this.renderCut(`Cut by CLIP (over ${CLIP_TOKEN_LIMIT} tokens)`, r.captions.overClip, CLIP_TOKEN_LIMIT)}
      ${this.renderCut(`Cut by T5 (over ${T5_TOKEN_LIMIT} tokens)`, r.captions.overT5, T5_TOKEN_LIMIT)}
      <p class="note">Token counts are estimates (about 1.3 tokens per word, plus punctuation and digits), not a tokenizer run.</p>
      </div>`;
  }

  /** A horizontal bar chart as a table: one row per bucket, its label and count as text, the bar beside them. */
  private chart(caption: string, name: string, buckets: readonly Bucket[], warn?: (b: Bucket) => boolean) {
    const max = Math.max(1, ...buckets.map((b) => b.count));
    return html`<figure>
      <figcaption>${caption}</figcaption>
      <table class="chart" aria-label=${name}>
        <tbody>
          ${buckets.map((b) => {
            const w = b.count ? Math.max(1, (b.count / max) * BAR_W) : 0;
            return html`<tr>
              <th scope="row" title=${b.label}>${b.label}</th>
              <td class="num count">${b.count}</td>
              <td aria-hidden="true"><svg viewBox="0 0 ${BAR_W} 10" preserveAspectRatio="none">${svg`
                <rect class="track" x="0" y="0" width=${BAR_W} height="10"></rect>
                <rect class=${warn?.(b) && b.count ? 'bar warn' : 'bar'} x="0" y="0" width=${w} height="10"></rect>`}</svg></td>
            </tr>`;
          })}
        </tbody>
      </table>
    </figure>`;
  }

  private renderImageBuckets(r: Report) {
    if (!r.imageBuckets.length) return nothing;
    const noBucket = r.bucketTarget === 'huggingface';
    return html`<details>
      <summary>Bucket of each image (${r.imageBuckets.length})</summary>
      <table aria-label="Bucket of each image">
        <thead><tr><th scope="col">Image</th><th scope="col" class="num">Exported size</th>${noBucket ? nothing : html`<th scope="col" class="num">Bucket</th>`}</tr></thead>
        <tbody>
          ${r.imageBuckets.map((b) => html`<tr><td>${b.file}</td><td class="num">${b.width} × ${b.height}${b.cropped ? ' (cropped)' : ''}</td>${noBucket ? nothing : html`<td class="num">${b.bucket}</td>`}</tr>`)}
        </tbody>
      </table>
    </details>`;
  }

  private renderUsedOnce(r: Report) {
    const once = r.tags.usedOnce;
    if (!once.length) return html`<p class="muted">No tag is used on one image only.</p>`;
    const more = once.length - ONCE_SHOWN;
    return html`<p class="once"><strong>Used on one image only (${once.length}):</strong> ${once.slice(0, ONCE_SHOWN).join(', ')}${more > 0 ? ` and ${more} more` : ''}.</p>`;
  }

  private renderCut(title: string, list: Report['captions']['overClip'], limit: number) {
    if (!list.length)
      return html`<p>${title}: <span class="muted">none, every caption fits ${limit} tokens.</span></p>`;
    return html`<table aria-label=${title}>
      <caption class="cut">${title}: ${list.length} caption${list.length === 1 ? '' : 's'}</caption>
      <thead><tr><th scope="col">Caption</th><th scope="col" class="num">Words</th><th scope="col" class="num">Est. CLIP tokens</th><th scope="col" class="num">Est. T5 tokens</th></tr></thead>
      <tbody>
        ${list.map((m) => html`<tr><td>${m.file}</td><td class="num">${m.words}</td><td class="num">${m.clipTokens}</td><td class="num">${m.t5Tokens}</td></tr>`)}
      </tbody>
    </table>`;
  }

  private onCopy(): void {
    if (!this.report) return;
    this.dispatchEvent(
      new CustomEvent('copy-markdown', {
        detail: { text: reportToMarkdown(this.report) },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private onBack(): void {
    this.dispatchEvent(new CustomEvent('show-tagging', { bubbles: true, composed: true }));
  }
}

customElements.define('dataset-report', DatasetReport);

declare global {
  interface HTMLElementTagNameMap {
    'dataset-report': DatasetReport;
  }
}
