/**
 * `<replace-preview>`: the find and replace preview, each caption that would change as its file name, the text
 * before (the removed parts struck through, in bold) and after (the inserted parts underlined, in the highlight colour), a few at a time: the first
 * PAGE are drawn and "Show more" draws the next, so a plan of thousands stays quick. The count is the dialog's.
 */
import { LitElement, css, html, nothing } from 'lit';
import { baseStyles } from '../styles';
import { segments, type FindReplacePreview } from '../../state/findReplace';

/** Captions drawn at first and per "Show more". */
const PAGE = 50;

/** The preview list of a find and replace plan. */
export class ReplacePreview extends LitElement {
  static override properties = { preview: { attribute: false }, stale: { type: Boolean } };
  static override styles = [
    baseStyles,
    css`
      :host { display: block; min-height: 0; overflow: auto; }
      ol { list-style: none; margin: 0; padding: 0; }
      li { padding: 4px 2px; border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border, transparent)); }
      .file { font-size: 11px; }
      .text { overflow-wrap: anywhere; white-space: pre-wrap; }
      .arrow { color: var(--vscode-descriptionForeground); margin-right: 4px; }
      del { text-decoration: line-through; font-weight: 700; }
      ins { color: var(--vscode-list-highlightForeground); text-decoration: underline; font-weight: 700; }
      :host([stale]) ol { opacity: 0.7; }
      .more { margin: 6px 2px; }
    `,
  ];
  declare preview?: FindReplacePreview;
  declare stale: boolean;
  private shown = PAGE;
  private shownFor: FindReplacePreview | undefined;

  constructor() {
    super();
    this.stale = false;
  }

  override willUpdate(): void {
    if (this.shownFor !== this.preview) {
      this.shownFor = this.preview;
      this.shown = PAGE;
    }
  }

  override render() {
    const plan = this.preview?.plan;
    if (!plan) return nothing;
    const list = plan.changes.slice(0, this.shown);
    const notSent = plan.revs.length - plan.changes.length;
    const rest = plan.changes.length - list.length;
    return html`<ol aria-label="Captions that would change">
        ${list.map(
          (c) => html`<li aria-label=${c.file}>
            <div class="file muted">${c.file}</div>
            <div class="text"><span class="sr-only">Before: </span>${segments(c.before, c.beforeMarks).map((s) =>
              s.marked ? html`<del>${s.text}</del>` : s.text,
            )}</div>
            <div class="text"><span class="arrow" aria-hidden="true">→</span><span class="sr-only">After: </span>${segments(
              c.after,
              c.afterMarks,
            ).map((s) => (s.marked ? html`<ins>${s.text}</ins>` : s.text))}</div>
          </li>`,
        )}
      </ol>
      ${
        rest > 0
          ? html`<button class="plain more" @click=${this.more}>Show ${Math.min(rest, PAGE)} more (of ${rest + notSent} more)</button>`
          : notSent > 0
            ? html`<p class="more muted">and ${notSent} more caption(s), not listed here</p>`
            : nothing
      }`;
  }

  private more(): void {
    this.shown += PAGE;
    this.requestUpdate();
  }
}

customElements.define('replace-preview', ReplacePreview);

declare global {
  interface HTMLElementTagNameMap {
    'replace-preview': ReplacePreview;
  }
}
