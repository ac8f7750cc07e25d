/** `<progress-status>`: tagged / total with a bar, untagged and skipped counts, and the save status (aria-live). */
import { LitElement, css, html, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import { baseStyles } from './styles';
import { StoreController } from './storeController';
import type { TaggerStore } from '../state/store';

/** Progress of the tagging pass and the status line. */
export class ProgressStatus extends LitElement {
  static override properties = { store: { attribute: false } };
  static override styles = [
    baseStyles,
    css`
      :host { display: flex; align-items: center; gap: 10px; padding: 2px 6px; font-size: 12px; min-width: 0; }
      .bar { width: 120px; height: 4px; background: var(--vscode-input-background, var(--vscode-editor-background));
        border: 1px solid var(--vscode-contrastBorder, transparent); border-radius: 2px; overflow: hidden; flex: none; }
      .fill { height: 100%; width: 100%; background: var(--vscode-progressBar-background); transform-origin: left; }
      .status { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; display: flex; align-items: center; gap: 4px; }
      .status.error { color: var(--vscode-errorForeground); }
      .nums { white-space: nowrap; font-variant-numeric: tabular-nums; }
    `,
  ];
  declare store?: TaggerStore;

  constructor() {
    super();
    new StoreController(this, ['dataset', 'flags', 'counts', 'status', 'selection']);
  }

  override render() {
    const s = this.store;
    if (!s) return nothing;
    const m = s.model;
    const total = m.images.length;
    const st = s.status;
    const icon = st.kind === 'error' ? 'error' : st.kind === 'saving' ? 'sync' : st.kind === 'saved' ? 'check' : 'info';
    return html`<span class="nums">${m.taggedCount} / ${total} tagged</span>
      <div class="bar" role="progressbar" aria-label="Tagged images" aria-valuemin="0" aria-valuemax=${total} aria-valuenow=${m.taggedCount}>
        <div class="fill"></div>
      </div>
      <span class="nums muted">${m.untaggedCount} untagged${m.skippedCount ? html` · ${m.skippedCount} skipped` : nothing}</span>
      ${s.selection.size > 1 ? html`<span class="nums selected" aria-live="polite">${s.selection.size} selected</span>` : nothing}
      <div class="status ${st.kind}" role="status" aria-live="polite">
        ${st.message ? html`<vscode-icon name=${icon} ?spin=${st.kind === 'saving'} size="14"></vscode-icon><span>${st.message}</span>` : nothing}
      </div>`;
  }

  override updated(): void {
    const s = this.store;
    const total = s?.model.images.length ?? 0;
    const frac = total ? (s?.model.taggedCount ?? 0) / total : 0;
    // The CSP forbids style attributes; the CSSOM is fine.
    this.renderRoot.querySelector<HTMLElement>('.fill')?.style.setProperty('transform', `scaleX(${frac})`);
  }
}

customElements.define('progress-status', ProgressStatus);

declare global {
  interface HTMLElementTagNameMap {
    'progress-status': ProgressStatus;
  }
}
