/**
 * `<caption-run-status>`: the progress line of the captioning run on this dataset (issue 12): done of total, failed,
 * suggestions waiting and the time left while it runs, with Pause / Resume and Cancel run; what it did once it has
 * ended.
 */
import { LitElement, css, html, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import type { RunControl } from '../../state/captioning/captionRun';
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
      :host { display: flex; align-items: center; gap: 4px; min-width: 0; padding-right: 6px; }
      .line { flex: 1 1 auto; min-width: 0; display: flex; align-items: center; gap: 6px; padding: 2px 6px;
        font-size: 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
        font-variant-numeric: tabular-nums; }
      .line > span { overflow: hidden; text-overflow: ellipsis; }
      .failed { color: var(--vscode-errorForeground); }
      .controls { flex: none; display: flex; gap: 2px; }
      .controls button { font-size: 12px; padding: 1px 6px; }
      .controls button[aria-disabled='true'] { opacity: 0.6; cursor: default; }
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
    const finishing = run.paused ? s.captionRun.running : 0;
    const parts = [
      run.active
        ? `${run.paused ? 'Paused: ' : ''}AI captions ${run.done}/${run.total}`
        : `AI captioning ${s.captionRun.cancelled ? 'cancelled' : 'finished'}: ${run.done}/${run.total}`,
      ...(finishing ? [`${finishing} image${finishing === 1 ? '' : 's'} finishing`] : []),
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
    </div>
    ${run.active ? this.renderControls(s, run.paused) : nothing}`;
  }

  private renderControls(s: TaggerStore, paused: boolean) {
    // aria-disabled, not disabled, while the host answers: a disabled button would drop the keyboard focus.
    const pending = s.captionRun.pending;
    const btn = (action: RunControl, icon: string, label: string, title: string) =>
      html`<button class="plain" aria-disabled=${pending ? 'true' : 'false'} title=${title}
        @click=${() => void s.captionRun.control(action)}><vscode-icon name=${icon} size="14" aria-hidden="true"></vscode-icon>${label}</button>`;
    return html`<div class="controls" role="group" aria-label="AI captioning run">
      ${
        paused
          ? btn('resume', 'debug-continue', 'Resume', 'Resume AI captioning: the images left are captioned')
          : btn(
              'pause',
              'debug-pause',
              'Pause',
              'Pause AI captioning: the images being captioned finish, no new one starts',
            )
      }
      ${btn('cancel', 'debug-stop', 'Cancel run', 'Cancel AI captioning: the captions written so far stay, and Undo Last Dataset-Wide Tag Operation takes the run back')}
    </div>`;
  }
}

customElements.define('caption-run-status', CaptionRunStatus);

declare global {
  interface HTMLElementTagNameMap {
    'caption-run-status': CaptionRunStatus;
  }
}
