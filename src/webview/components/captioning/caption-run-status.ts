/**
 * `<caption-run-status>`: the progress line of the captioning run on this dataset (issue 12): done of total, failed,
 * suggestions waiting and the time left while it runs; what it did once it has ended.
 */
import { LitElement, css, html, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import type { TaggerStore } from '../../state/store';
import { baseStyles } from '../styles';
import { StoreController } from '../storeController';

/** "40 s", "3 min". */
function eta(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.round(s / 60)} min`;
}

/** The captioning run's progress line. */
export class CaptionRunStatus extends LitElement {
  static override properties = { store: { attribute: false } };
  static override styles = [
    baseStyles,
    css`
      :host { display: block; min-width: 0; }
      .line { display: flex; align-items: center; gap: 6px; padding: 2px 6px; font-size: 12px; white-space: nowrap;
        overflow: hidden; text-overflow: ellipsis; font-variant-numeric: tabular-nums; }
      .failed { color: var(--vscode-errorForeground); }
    `,
  ];
  declare store?: TaggerStore;

  constructor() {
    super();
    new StoreController(this, ['captioning', 'review', 'dataset']);
  }

  override render() {
    const s = this.store;
    const run = s?.captionRun.run;
    if (!s || !run) return nothing;
    const failed = s.captionRun.failed;
    const waiting = s.review.count;
    const parts = [
      run.active
        ? `AI captions ${run.done}/${run.total}${run.paused ? ' (paused)' : ''}`
        : `AI captioning finished: ${run.done}/${run.total}`,
      ...(waiting ? [`${waiting} suggestion${waiting === 1 ? '' : 's'} to review`] : []),
      ...(run.active && !run.paused && run.etaMs !== undefined && run.done < run.total
        ? [`about ${eta(run.etaMs)} left`]
        : []),
    ];
    const icon = run.active ? (run.paused ? 'debug-pause' : 'sync') : failed ? 'warning' : 'check';
    return html`<div class="line" role="status" aria-label="AI captioning">
      <vscode-icon name=${icon} size="14" ?spin=${run.active && !run.paused}></vscode-icon>
      <span>${parts.join(' · ')}</span>
      ${failed ? html`<span class="failed">· ${failed} failed (hover a marked thumbnail for why)</span>` : nothing}
    </div>`;
  }
}

customElements.define('caption-run-status', CaptionRunStatus);

declare global {
  interface HTMLElementTagNameMap {
    'caption-run-status': CaptionRunStatus;
  }
}
