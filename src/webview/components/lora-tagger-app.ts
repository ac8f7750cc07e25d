/**
 * `<lora-tagger-app>`: the tagging panel. Lays out toolbar, preview, caption editors, palette and filmstrip,
 * switches to the dataset report, and owns the panel-wide keyboard handling (see keymap.ts).
 */
import { LitElement, css, html, nothing } from 'lit';
import './panel-toolbar';
import './images/image-preview';
import './caption/caption-chips';
import './caption/caption-text';
import './caption/add-tag-input';
import './tags/tag-shelves';
import './tags/tag-palette';
import './images/film-strip';
import './progress-status';
import './shortcut-overlay';
// Defined before this element renders: `.dataset` on an undefined <dataset-report> is HTMLElement's read-only one.
import './dataset-report';
import { LOCAL_KEYS, actionForKey, eventKey } from '../keymap';
import { editKeyOf, handleEditKey, isTextField } from '../editKeys';
import { baseStyles } from './styles';
import { StoreController } from './storeController';
import { deepActive } from './shortcut-overlay';
import type { TaggerStore, UiAction } from '../state/store';
import type { ViewStateStore } from '../vscodeApi';

/** True when typing goes into this element (so plain keys such as `?`, `+` or `0` are text, not shortcuts). */
function isTextEntry(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLTextAreaElement) return true;
  if (el instanceof HTMLInputElement) return !['button', 'checkbox', 'radio', 'range', 'submit'].includes(el.type);
  return (el as HTMLElement).isContentEditable;
}

const has = (keys: readonly string[], key: string) => keys.includes(key);

/** The whole tagging panel. */
export class LoraTaggerApp extends LitElement {
  static override properties = { store: { attribute: false }, viewState: { attribute: false } };
  static override styles = [
    baseStyles,
    css`
      :host { display: grid; grid-template-rows: auto minmax(0, 1fr) auto auto; height: 100vh; overflow: hidden; background: var(--vscode-editor-background); }
      panel-toolbar { border-bottom: 1px solid var(--vscode-panel-border, transparent); }
      .body {
        display: grid;
        grid-template-columns: minmax(240px, 1fr) minmax(300px, 380px);
        grid-template-rows: minmax(0, 1fr);
        gap: 8px;
        padding: 6px 8px;
        min-height: 0;
      }
      image-preview { min-height: 0; }
      aside { display: flex; flex-direction: column; gap: 8px; min-height: 0; overflow: hidden; }
      section { display: flex; flex-direction: column; gap: 6px; }
      section.palette { flex: 1 1 0; min-height: 120px; }
      tag-palette { flex: 1 1 auto; min-height: 0; }
      film-strip { border-top: 1px solid var(--vscode-panel-border, transparent); padding-top: 4px; }
      progress-status { border-top: 1px solid var(--vscode-panel-border, transparent); background: var(--vscode-sideBar-background, transparent); }
      .report { overflow: auto; padding: 8px 12px; min-height: 0; }
      .loading { padding: 24px; }
      @media (max-width: 720px) {
        .body { grid-template-columns: 1fr; grid-template-rows: minmax(200px, 45%) minmax(0, 1fr); }
      }
    `,
  ];
  declare store?: TaggerStore;
  declare viewState?: ViewStateStore;
  private readonly onUi = (e: Event) => this.ui((e as CustomEvent<UiAction>).detail);
  private readonly onKey = (e: KeyboardEvent) => this.handleKey(e);
  private boundStore: TaggerStore | undefined;

  constructor() {
    super();
    new StoreController(this, ['dataset', 'view', 'caption']);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // On the document, not the window: VS Code's frame listens on the window, and the keys the panel handles itself
    // must be stopped before they reach it (see editKeys.ts).
    document.addEventListener('keydown', this.onKey);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('keydown', this.onKey);
    this.boundStore?.removeEventListener('ui', this.onUi);
  }

  override willUpdate(): void {
    if (this.boundStore !== this.store) {
      this.boundStore?.removeEventListener('ui', this.onUi);
      this.boundStore = this.store;
      this.store?.addEventListener('ui', this.onUi);
    }
  }

  override render() {
    const s = this.store;
    if (!s?.loaded) return html`<div></div><div class="loading muted" role="status">Loading the dataset…</div>`;
    const natural = s.style === 'natural';
    const text = html`<caption-text .store=${s}></caption-text>`;
    const chips = html`<caption-chips .store=${s}></caption-chips>`;
    return html`<panel-toolbar .store=${s}></panel-toolbar>
      ${s.view === 'report'
        ? html`<div class="report" @copy-markdown=${this.onCopy} @show-tagging=${() => s.setView('tagging')}>${this.renderReport()}</div>`
        : html`<div class="body">
            <image-preview .store=${s} .viewState=${this.viewState}></image-preview>
            <aside>
              <section aria-label="Caption">
                <h2 class="section-title">Caption</h2>
                ${natural ? [text, chips] : [chips, text]}
                <add-tag-input .store=${s}></add-tag-input>
              </section>
              <section class="palette" aria-label="Tags">
                <h2 class="section-title">Tags</h2>
                <tag-shelves .store=${s}></tag-shelves>
                <tag-palette .store=${s} .viewState=${this.viewState}></tag-palette>
              </section>
            </aside>
          </div>`}
      ${s.view === 'report' ? nothing : html`<film-strip .store=${s} .viewState=${this.viewState}></film-strip>`}
      <progress-status .store=${s}></progress-status>
      <shortcut-overlay></shortcut-overlay>`;
  }

  private renderReport() {
    return html`<dataset-report .dataset=${this.store?.datasetView()}></dataset-report>`;
  }

  private onCopy(e: Event): void {
    const text = (e as CustomEvent<{ text?: unknown }>).detail?.text;
    if (typeof text === 'string') this.store?.copy(text);
  }

  private ui(action: UiAction): void {
    const q = <T extends Element>(sel: string) => this.renderRoot.querySelector<T>(sel);
    if (this.store?.view === 'report' && action !== 'showShortcuts') this.store.setView('tagging');
    void this.updateComplete.then(() => {
      if (action === 'focusAddTag') q<HTMLElement>('add-tag-input')?.focus();
      else if (action === 'focusFilter') q<HTMLElement & { focusFilter(): void }>('tag-palette')?.focusFilter();
      else if (action === 'goTo') q<HTMLElement & { focusGoTo(): void }>('panel-toolbar')?.focusGoTo();
      else if (action === 'showShortcuts') q<HTMLElement & { open(): void }>('shortcut-overlay')?.open();
    });
  }

  private handleKey(e: KeyboardEvent): void {
    const s = this.store;
    // Components stop the propagation of keys they handle; VS Code's frame listens on the window, after this.
    if (!s?.loaded || e.isComposing) return;
    const key = eventKey(e);
    const active = deepActive();
    const inText = isTextEntry(active);
    const inCaption = active instanceof HTMLTextAreaElement;
    const edit = editKeyOf(key);
    if (edit && isTextField(active)) {
      return handleEditKey(e, edit, active, inCaption ? (dir) => (dir === 'undo' ? s.undo() : s.redo()) : undefined);
    }
    let done = true;
    if (has(LOCAL_KEYS.save, key)) s.save();
    else if (has(LOCAL_KEYS.undo, key) && !inText) s.undo();
    else if (has(LOCAL_KEYS.redo, key) && !inText) s.redo();
    else if (has(LOCAL_KEYS.goTo, key)) this.ui('goTo');
    else {
      const action = actionForKey(key);
      if (action) {
        // VS Code dispatches the keys of host actions itself and sends `action`: handling them here would run them twice.
        if (s.hostKeys.has(action)) return;
        s.runAction(action);
      } else if (!inText && !e.ctrlKey && !e.metaKey && !e.altKey) {
        done = this.plainKey(e.key);
      } else done = false;
    }
    if (!done) return;
    e.preventDefault();
    // The panel's own undo and redo: VS Code would answer them late with a native undo of its own.
    if (has(LOCAL_KEYS.undo, key) || has(LOCAL_KEYS.redo, key)) e.stopPropagation();
  }

  /** Single keys that are shortcuts only outside text fields. */
  private plainKey(k: string): boolean {
    const preview = this.renderRoot.querySelector('image-preview');
    if (k === '?') this.ui('showShortcuts');
    else if (k === '+' || k === '=') preview?.zoomBy(1.25);
    else if (k === '-') preview?.zoomBy(0.8);
    else if (k === '0') preview?.toggleActual();
    else return false;
    return true;
  }
}

customElements.define('lora-tagger-app', LoraTaggerApp);

declare global {
  interface HTMLElementTagNameMap {
    'lora-tagger-app': LoraTaggerApp;
  }
}
