/**
 * `<run-mark>`: an image's state in a captioning run on its filmstrip thumbnail (issue 12), as an icon; and the text
 * the thumbnail's name and tooltip add for it (the error of a failed image included).
 */
import { LitElement, css, html, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import type { RunItemState } from '../../../shared/protocol';
import { RUN_STATE_LABELS } from '../../state/captioning/captionRun';
import type { TaggerStore } from '../../state/store';

const ICONS: Record<RunItemState, string> = {
  queued: 'clock',
  running: 'sync',
  done: 'sparkle',
  suggested: 'lightbulb',
  skipped: 'circle-slash',
  failed: 'error',
};

/** The icon of one image's run state. */
export class RunMark extends LitElement {
  static override properties = { state: { reflect: true } };
  static override styles = css`
    :host { position: absolute; left: 2px; top: 2px; display: flex; border-radius: 2px; pointer-events: none;
      background: var(--vscode-editor-background); color: var(--vscode-foreground);
      border: 1px solid var(--vscode-contrastBorder, transparent); }
    :host([state='failed']) { --vscode-icon-foreground: var(--vscode-errorForeground); }
  `;
  declare state?: RunItemState;

  override render() {
    const st = this.state;
    if (!st) return nothing;
    return html`<vscode-icon name=${ICONS[st]} size="12" ?spin=${st === 'running'}></vscode-icon>`;
  }
}

customElements.define('run-mark', RunMark);

/** What a filmstrip thumbnail adds for its image's run state: the mark, and text for its name and tooltip. */
export function runMarkOf(store: TaggerStore, file: string): { mark: unknown; label: string; title: string } {
  const s = store.captionRun.of(file);
  if (!s) return { mark: nothing, label: '', title: '' };
  const text = `${RUN_STATE_LABELS[s.state]}${s.error ? `: ${s.error}` : ''}`;
  return {
    mark: html`<run-mark state=${s.state} aria-hidden="true"></run-mark>`,
    label: `, ${text}`,
    title: `\n${text}`,
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'run-mark': RunMark;
  }
}
