/** `<panel-toolbar>`: navigation, go to number, image flags, undo/redo, and the dataset commands. */
import { LitElement, css, html } from 'lit';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import { LOCAL_KEYS, PANEL_KEYMAP, withKey } from './keymap';
import { baseStyles } from './styles';
import { StoreController } from './storeController';
import type { TaggerStore } from './store';

/** The panel's top toolbar. */
export class PanelToolbar extends LitElement {
  static override properties = { store: { attribute: false } };
  static override styles = [
    baseStyles,
    css`
      :host { display: flex; align-items: center; gap: 2px; padding: 2px 4px; flex-wrap: wrap; min-width: 0; }
      .sep { width: 1px; align-self: stretch; margin: 3px 4px; background: var(--vscode-panel-border, var(--vscode-widget-border, transparent)); }
      .goto { width: 84px; }
      .spacer { flex: 1; }
      .title { font-weight: 600; margin: 0 6px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 240px; }
      vscode-button { margin-left: 2px; }
    `,
  ];
  declare store?: TaggerStore;

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
    return html`<span class="title" title=${s?.title ?? ''}>${s?.title ?? ''}</span>
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
      <vscode-button secondary icon="split-horizontal" title="Open this image's .txt in an editor beside the panel" @click=${() => s?.runCommand('openCaptionBeside')}>Open caption beside</vscode-button>
      <vscode-button secondary icon="checklist" title="Check the dataset against CivitAI's rules" @click=${() => s?.runCommand('checkDataset')}>Check dataset</vscode-button>
      <vscode-button secondary icon="package" title="Write an upload-ready zip for CivitAI" @click=${() => s?.runCommand('exportForCivitai')}>Export for CivitAI</vscode-button>
      <vscode-button secondary icon=${report ? 'tag' : 'graph'} title=${report ? 'Back to tagging' : 'Dataset report'} @click=${() => s?.setView(report ? 'tagging' : 'report')}>${report ? 'Tagging' : 'Report'}</vscode-button>
      <vscode-toolbar-button icon="keyboard" label="Keyboard shortcuts" title=${withKey('Keyboard shortcuts (?)', k.showShortcuts[0])} @click=${() => s?.runAction('showShortcuts')}></vscode-toolbar-button>`;
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
