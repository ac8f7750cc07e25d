/** `<panel-toolbar>`: navigation, go to number, image flags, undo/redo, and the dataset commands. */
import { LitElement, css, html } from 'lit';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import { LOCAL_KEYS, PANEL_KEYMAP, withKey } from '../keymap';
import { baseStyles } from './styles';
import { StoreController } from './storeController';
import type { TaggerStore } from '../state/store';

/** Below this width the command buttons show icons only. */
const NARROW_PX = 1040;

/** The panel's top toolbar. */
export class PanelToolbar extends LitElement {
  static override properties = { store: { attribute: false } };
  static override styles = [
    baseStyles,
    css`
      :host { display: block; }
      .bar { display: flex; align-items: center; gap: 2px; padding: 2px 4px; flex-wrap: wrap; min-width: 0; }
      .narrow .title { max-width: 140px; }
      .sep { width: 1px; align-self: stretch; margin: 3px 4px; background: var(--vscode-panel-border, var(--vscode-widget-border, transparent)); }
      .goto { width: 84px; }
      .spacer { flex: 1; }
      .title { font-weight: 600; margin: 0 6px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 240px; }
      vscode-button { margin-left: 2px; }
    `,
  ];
  declare store?: TaggerStore;
  private narrow = false;
  private readonly resize = new ResizeObserver((entries) => {
    const narrow = (entries[0]?.contentRect.width ?? 0) < NARROW_PX;
    if (narrow !== this.narrow) {
      this.narrow = narrow;
      this.requestUpdate();
    }
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
  }

  constructor() {
    super();
    new StoreController(this, ['dataset', 'current', 'flags', 'caption', 'view']);
  }

  /** Focuses the "go to number" field. */
  focusGoTo(): void {
    const f = this.renderRoot.querySelector<VscodeTextfield>('.goto');
    f?.focus();
    (f?.wrappedElement as HTMLInputElement | undefined)?.select();
  }

  override render() {
    const s = this.store;
    const im = s?.current;
    const n = s?.model.images.length ?? 0;
    const report = s?.view === 'report';
    const k = PANEL_KEYMAP;
    return html`<div class="bar ${this.narrow ? 'narrow' : ''}"><span class="title" title=${s?.title ?? ''}>${s?.title ?? ''}</span>
      <vscode-toolbar-button icon="arrow-left" label="Previous image" title=${withKey('Previous image', k.previousImage[0])} @click=${() => s?.runAction('previousImage')}></vscode-toolbar-button>
      <vscode-toolbar-button icon="arrow-right" label="Next image" title=${withKey('Next image', k.nextImage[0])} @click=${() => s?.runAction('nextImage')}></vscode-toolbar-button>
      <vscode-toolbar-button icon="debug-step-over" label="Next untagged image" title=${withKey('Next untagged image', k.nextUntagged[0])} @click=${() => s?.runAction('nextUntagged')}></vscode-toolbar-button>
      <vscode-textfield
        class="goto"
        .label=${"Go to image number"}
        placeholder="Go to #"
        title=${withKey(`Go to image number (1-${n}), Enter`, LOCAL_KEYS.goTo[0])}
        @keydown=${this.onGoKey}
      ></vscode-textfield>
      <span class="sep"></span>
      <vscode-toolbar-button toggleable icon=${im?.favourite ? 'star-full' : 'star-empty'} label="Favourite" .checked=${!!im?.favourite}
        title=${withKey('Favourite', k.toggleFavourite[0])} @click=${(e: Event) => this.flag(e, 'favourite')}></vscode-toolbar-button>
      <vscode-toolbar-button toggleable icon="eye-closed" label="NSFW" .checked=${!!im?.nsfw}
        title=${withKey('NSFW', k.toggleNsfw[0])} @click=${(e: Event) => this.flag(e, 'nsfw')}></vscode-toolbar-button>
      <vscode-toolbar-button toggleable icon="debug-step-out" label="Skip" .checked=${im?.status === 'skipped'}
        title=${withKey('Skip: keep the image but leave it out of export', k.toggleSkipped[0])} @click=${(e: Event) => this.flag(e, 'skipped')}></vscode-toolbar-button>
      <span class="sep"></span>
      <vscode-toolbar-button icon="discard" label="Undo caption edit" title=${withKey('Undo caption edit', LOCAL_KEYS.undo[0])} @click=${() => s?.undo()}></vscode-toolbar-button>
      <vscode-toolbar-button icon="redo" label="Redo caption edit" title=${withKey('Redo caption edit', LOCAL_KEYS.redo[0])} @click=${() => s?.redo()}></vscode-toolbar-button>
      <span class="spacer"></span>
      ${this.command('split-horizontal', 'Open caption beside', "Open this image's .txt in an editor beside the panel", () => s?.runCommand('openCaptionBeside'))}
      ${this.command('checklist', 'Check dataset', "Check the dataset against CivitAI's rules", () => s?.runCommand('checkDataset'))}
      ${this.command('package', 'Export for CivitAI', 'Write an upload-ready zip for CivitAI', () => s?.runCommand('exportForCivitai'))}
      ${report
        ? this.command('tag', 'Tagging', 'Back to tagging', () => s?.setView('tagging'))
        : this.command('graph', 'Report', 'Dataset report', () => s?.setView('report'))}
      <vscode-toolbar-button icon="keyboard" label="Keyboard shortcuts" title=${withKey('Keyboard shortcuts (?)', k.showShortcuts[0])} @click=${() => s?.runAction('showShortcuts')}></vscode-toolbar-button>
    </div>`;
  }

  private command(icon: string, name: string, title: string, run: () => void) {
    // Narrow panels: the command buttons keep their icon and their name (aria-label), not their text.
    return this.narrow
      ? html`<vscode-button secondary icon-only icon=${icon} aria-label=${name} title="${name}: ${title}" @click=${run}></vscode-button>`
      : html`<vscode-button secondary icon=${icon} aria-label=${name} title=${title} @click=${run}>${name}</vscode-button>`;
  }

  private flag(e: Event, flag: 'favourite' | 'nsfw' | 'skipped'): void {
    // vscode-toolbar-button flips its own `checked`; the store is the truth and re-renders it.
    e.stopPropagation();
    this.store?.toggleFlag(flag);
  }

  private onGoKey(e: KeyboardEvent): void {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const f = e.currentTarget as VscodeTextfield;
    const n = Number.parseInt(f.value, 10);
    const s = this.store;
    if (!s) return;
    if (Number.isFinite(n) && n >= 1 && n <= s.model.images.length) {
      s.go(n - 1);
      f.value = '';
    } else s.setStatus('info', `There is no image ${f.value}: enter a number from 1 to ${s.model.images.length}.`);
  }
}

customElements.define('panel-toolbar', PanelToolbar);

declare global {
  interface HTMLElementTagNameMap {
    'panel-toolbar': PanelToolbar;
  }
}
