/**
 * `<find-replace-dialog>`: find and replace across captions (issue 13, item 4), a modal dialog opened with
 * Ctrl/Cmd+H outside text fields or from the toolbar's `…` menu. Find, Replace, the Regex / Whole tags / Match case /
 * Protect trigger word toggles and the scope (all, what the filter shows, the selection) preview at once, a moment
 * after each change (Enter: now); *Replace all* writes exactly the preview shown, as one dataset-wide undo step, and is
 * enabled only while that preview is current. *Undo replace* then takes it back. Tab goes round the dialog's controls
 * (modalDialog.ts); Escape closes, and focus returns.
 *
 * The dialog keeps keys to itself: behind a modal dialog nothing may change, and VS Code must not run its own
 * Ctrl+H (replace in an editor) or the panel's keybindings. Keys with Ctrl/Cmd that are not editing keys still
 * reach VS Code (the command palette and the like).
 */
import { LitElement, css, html, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import { editKeyOf, handleEditKey, isTextField } from '../../editKeys';
import { LOCAL_KEYS, eventKey, keyLabel } from '../../keymap';
import { FindReplace, type FindReplaceForm } from '../../state/findReplace';
import type { TaggerStore } from '../../state/store';
import { baseStyles } from '../styles';
import { StoreController } from '../storeController';
import { ModalDialog, deepActive } from '../modalDialog';
import './replace-preview';

/** How long after a change the preview is asked for (each keystroke would ask once otherwise). */
const PREVIEW_DELAY_MS = 150;
const REPLACE_ALL_KEY = LOCAL_KEYS.replaceAll[0];

/** The find and replace dialog. */
export class FindReplaceDialog extends LitElement {
  static override properties = { store: { attribute: false } };
  static override styles = [
    baseStyles,
    css`
      dialog {
        color: var(--vscode-foreground);
        background: var(--vscode-editorWidget-background);
        border: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, transparent));
        box-shadow: 0 4px 16px var(--vscode-widget-shadow);
        padding: 10px 14px;
        width: min(720px, calc(100vw - 16px));
        max-width: calc(100vw - 16px);
        max-height: calc(100vh - 16px);
      }
      dialog[open] { display: flex; flex-direction: column; gap: 8px; }
      dialog::backdrop { background: rgba(0, 0, 0, 0.3); }
      .head { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
      h2 { font-size: 13px; margin: 0; }
      .fields { display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 6px 8px; align-items: center; }
      vscode-textfield { width: 100%; }
      .toggles, .scope { display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: center; }
      fieldset { border: none; margin: 0; padding: 0; }
      legend { float: left; margin-right: 10px; padding: 0; }
      .scope label { display: inline-flex; align-items: center; gap: 4px; cursor: pointer; }
      .scope input { accent-color: var(--vscode-focusBorder); margin: 0; }
      .scope label.off { color: var(--vscode-descriptionForeground); cursor: default; }
      .summary { min-height: 1.4em; }
      .err { color: var(--vscode-errorForeground); overflow-wrap: anywhere; }
      .err:empty { display: none; }
      replace-preview { flex: 1 1 auto; max-height: 50vh;
        border-top: 1px solid var(--vscode-widget-border, var(--vscode-panel-border, transparent)); }
      .actions { display: flex; flex-wrap: wrap; gap: 8px; justify-content: flex-end; }
      .btn[disabled] { opacity: 0.5; cursor: default; }
    `,
  ];
  declare store?: TaggerStore;
  private state: FindReplace | undefined;
  private readonly modal = new ModalDialog(this);
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    new StoreController(this, ['dataset', 'caption', 'counts', 'filter', 'selection'], (changed) => {
      if (!this.isOpen || !this.state) return;
      if (changed.has('caption') || changed.has('counts') || changed.has('dataset')) this.state.captions++;
      // The captions or the scope's images changed under the preview: preview again (Replace all waits for it).
      if (!this.state.isCurrent()) this.schedule();
    });
  }

  /** True while shown. */
  get isOpen(): boolean {
    return this.modal.isOpen;
  }

  /** Opens the dialog on its Find field (with the last search, to run again or change). */
  async open(): Promise<void> {
    const s = this.store;
    if (!s || this.modal.isOpen) return;
    if (!this.state) this.state = new FindReplace(s, () => this.requestUpdate());
    if (!this.modal.open()) return;
    this.requestUpdate();
    await this.updateComplete;
    const find = this.renderRoot.querySelector<VscodeTextfield>('.find');
    find?.focus();
    (find?.wrappedElement as HTMLInputElement | undefined)?.select();
    if (this.state.form.find) void this.state.runPreview();
  }

  /** Closes the dialog; focus returns where it was. */
  close(): void {
    this.modal.close();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  override render() {
    const st = this.state;
    return html`<dialog aria-labelledby="fr-title" @close=${this.onClose} @keydown=${this.onKey}>
      ${st ? this.renderBody(st) : nothing}
    </dialog>`;
  }

  private renderBody(st: FindReplace) {
    const f = st.form;
    const counts = st.counts();
    const trigger = this.store?.trigger;
    const current = st.isCurrent();
    const plan = st.preview?.plan;
    const canApply = current && !!plan?.revs.length && !st.busy;
    const check = (key: 'regex' | 'wholeTags' | 'caseSensitive' | 'protectTrigger', label: string, title: string) =>
      html`<vscode-checkbox label=${label} title=${title} .checked=${f[key]}
        @change=${(e: Event) => this.change({ [key]: (e.target as HTMLInputElement).checked })}></vscode-checkbox>`;
    const scope = (value: FindReplaceForm['scope'], label: string, n: number | undefined) => {
      const off = n === undefined;
      return html`<label class=${off ? 'off' : ''} title=${off ? 'Set an image filter (the box above the filmstrip) first' : ''}>
        <input type="radio" name="scope" .value=${value} .checked=${f.scope === value} ?disabled=${off}
          @change=${() => this.change({ scope: value })} />${label} (${off ? 'no filter' : n})</label>`;
    };
    return html`<div class="head">
        <h2 id="fr-title">Find and replace in captions</h2>
        <button class="plain" @click=${this.close}>Close (Esc)</button>
      </div>
      <div class="fields">
        <span aria-hidden="true">Find</span>
        <vscode-textfield class="find" .label=${'Find'} .value=${f.find} placeholder=${f.regex ? 'Regular expression' : 'Text or tag'}
          @input=${(e: Event) => this.change({ find: (e.target as VscodeTextfield).value })}
          @keydown=${this.onFieldKey}></vscode-textfield>
        <span aria-hidden="true">Replace</span>
        <vscode-textfield class="replace" .label=${'Replace'} .value=${f.replace}
          placeholder=${f.wholeTags ? 'New tag (empty: remove the tag)' : f.regex ? 'Replacement ($1, $<name>, $&)' : 'Replacement'}
          @input=${(e: Event) => this.change({ replace: (e.target as VscodeTextfield).value })}
          @keydown=${this.onFieldKey}></vscode-textfield>
      </div>
      <div class="toggles" role="group" aria-label="Options">
        ${check('regex', 'Regex', 'Find is a JavaScript regular expression; Replace may use $1, $<name>, $&')}
        ${check('wholeTags', 'Whole tags', 'Only whole tags match (natural captions: the tag tail); off: any text in the caption')}
        ${check('caseSensitive', 'Match case', 'Only the exact upper and lower case')}
        ${check('protectTrigger', trigger ? `Protect trigger word "${trigger}"` : 'Protect trigger word', 'Never change the trigger word')}
      </div>
      <fieldset class="scope">
        <legend>In</legend>
        ${scope('all', 'All', counts.all)}
        ${scope('filtered', 'Filtered', counts.filtered)}
        ${scope('selection', 'Selection', counts.selection)}
      </fieldset>
      ${st.applied ? html`<div class="done" role="status">${st.applied.label}: ${st.applied.changed} caption(s) changed, one undo step.</div>` : nothing}
      <div class="summary" role="status">${this.summary(st)}</div>
      <div class="err" role="alert">${st.error ?? ''}</div>
      <replace-preview .preview=${st.preview} ?stale=${!current}></replace-preview>
      <div class="actions">
        ${
          st.applied
            ? html`<button class="btn secondary undo" @click=${() => this.undo()}>Undo replace</button>`
            : nothing
        }
        <button class="btn replace-all" ?disabled=${!canApply} aria-disabled=${canApply ? 'false' : 'true'}
          title=${`Replace in every caption of the preview (${keyLabel(REPLACE_ALL_KEY)})`}
          @click=${() => this.apply()}>Replace all</button>
      </div>`;
  }

  private summary(st: FindReplace): string {
    const plan = st.preview?.plan;
    if (!st.form.find) return 'Type what to find.';
    if (!plan) return 'Previewing…';
    const n = plan.revs.length;
    const what = n
      ? `${plan.replacements} replacement(s) in ${n} of ${plan.scanned} caption(s)`
      : `No caption of the ${plan.scanned} would change`;
    return st.isCurrent() ? `${what}.` : `${what} (for the previous search; previewing again…)`;
  }

  private change(patch: Partial<FindReplaceForm>): void {
    this.state?.set(patch);
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.state?.runPreview(), PREVIEW_DELAY_MS);
  }

  private async apply(): Promise<void> {
    const st = this.state;
    if (!st || !(await st.apply())) return;
    // Focus stays in the dialog but off the button that is now disabled.
    this.renderRoot.querySelector<HTMLElement>('.undo')?.focus();
  }

  private async undo(): Promise<void> {
    await this.state?.undo();
    this.renderRoot.querySelector<HTMLElement>('.find')?.focus();
  }

  private onFieldKey(e: KeyboardEvent): void {
    if (e.key !== 'Enter' || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    e.preventDefault();
    clearTimeout(this.timer);
    void this.state?.runPreview();
  }

  private onKey(e: KeyboardEvent): void {
    const key = eventKey(e);
    if (key === REPLACE_ALL_KEY) {
      e.preventDefault();
      e.stopPropagation();
      void this.apply();
      return;
    }
    const active = deepActive();
    const edit = editKeyOf(key);
    if (edit && isTextField(active)) return handleEditKey(e, edit, active);
    if (edit || key === 'escape' || !(e.ctrlKey || e.metaKey) || LOCAL_KEYS.findReplace.includes(key as never))
      e.stopPropagation();
  }

  private onClose(): void {
    clearTimeout(this.timer);
  }
}

customElements.define('find-replace-dialog', FindReplaceDialog);

declare global {
  interface HTMLElementTagNameMap {
    'find-replace-dialog': FindReplaceDialog;
  }
}
