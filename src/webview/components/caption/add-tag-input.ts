/** `<add-tag-input>`: adds tags to the current caption, with autocomplete from the dataset, then the vocabulary files. */
import { LitElement, css, html, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import { cleanTag } from '../../../shared/caption';
import { matchTags } from '../tags/fuzzy';
import { baseStyles } from '../styles';
import type { TaggerStore } from '../../state/store';

interface Suggestion {
  name: string;
  count?: number;
  source: 'dataset' | 'vocab';
  category?: string;
  /** The vocabulary alias the typed text matched (`longhair` for `long hair`). */
  alias?: string;
}

const MAX_LOCAL = 8;
const MAX_TOTAL = 12;
const VOCAB_DELAY_MS = 80;

/** The add-tag input: Enter adds, a comma adds several; ↑/↓ choose a suggestion, Tab completes it. */
export class AddTagInput extends LitElement {
  static override properties = {
    store: { attribute: false },
    suggestions: { state: true },
    active: { state: true },
  };
  static override styles = [
    baseStyles,
    css`
      :host { display: block; position: relative; }
      vscode-textfield { width: 100%; }
      ul {
        position: absolute;
        left: 0;
        right: 0;
        top: 100%;
        z-index: 10;
        margin: 2px 0 0;
        padding: 2px 0;
        list-style: none;
        max-height: 260px;
        overflow-y: auto;
        background: var(--vscode-editorSuggestWidget-background, var(--vscode-editorWidget-background));
        color: var(--vscode-editorSuggestWidget-foreground, var(--vscode-foreground));
        border: 1px solid var(--vscode-editorSuggestWidget-border, var(--vscode-widget-border, transparent));
        box-shadow: 0 2px 8px var(--vscode-widget-shadow);
      }
      li { display: flex; justify-content: space-between; gap: 8px; padding: 1px 8px; cursor: pointer; line-height: 20px; }
      li[aria-selected='true'] {
        background: var(--vscode-editorSuggestWidget-selectedBackground, var(--vscode-list-activeSelectionBackground));
        color: var(--vscode-editorSuggestWidget-selectedForeground, var(--vscode-list-activeSelectionForeground));
      }
      li[aria-selected='true'] {
        outline: 1px dotted var(--vscode-contrastActiveBorder, transparent);
        outline-offset: -1px;
      }
      li:hover:not([aria-selected='true']) { background: var(--vscode-list-hoverBackground); }
      .src { font-size: 11px; }
      /* The secondary text takes the selected row's colour: a fixed muted colour can vanish on it (1:1 in HC). */
      li[aria-selected='true'] .src,
      li[aria-selected='true'] .alias { color: inherit; }
      .alias { white-space: pre; }
    `,
  ];
  declare store?: TaggerStore;
  suggestions: Suggestion[] = [];
  active = -1;
  private query = '';
  private vocabTimer: ReturnType<typeof setTimeout> | undefined;
  private vocabSeq = 0;

  private get field(): VscodeTextfield | null {
    return this.renderRoot.querySelector('vscode-textfield');
  }

  /** Focuses the input. */
  override focus(): void {
    this.field?.focus();
  }

  override render() {
    const open = this.suggestions.length > 0;
    return html`<vscode-textfield
        .label=${'Add tag'}
        placeholder="Add tag… (Enter adds, a comma adds several)"
        title="Add tags to this image (Alt+Shift+A). Enter adds; a comma adds several."
        aria-haspopup="listbox"
        @input=${this.onInput}
        @keydown=${this.onKeyDown}
        @focusout=${() => setTimeout(() => this.matches(':focus-within') || this.close(), 150)}
      ></vscode-textfield>
      ${
        open
          ? html`<ul role="listbox" aria-label="Tag suggestions">
            ${this.suggestions.map(
              (sug, i) => html`<li
                role="option"
                aria-selected=${i === this.active ? 'true' : 'false'}
                @mousedown=${(e: Event) => e.preventDefault()}
                @click=${() => this.add([sug.name])}
              >
                <span>${sug.name}${sug.alias ? html`<span class="alias muted" title="Matched the alias ${sug.alias}"> ← ${sug.alias}</span>` : nothing}</span
                ><span class="src muted">${sug.source === 'dataset' ? `${sug.count ?? 0} in dataset` : (sug.category ?? 'vocabulary')}</span>
              </li>`,
            )}
          </ul>`
          : nothing
      }
      <span class="sr-only" aria-live="polite">${open ? `${this.suggestions.length} suggestions` : ''}</span>`;
  }

  private onInput(): void {
    const field = this.field;
    if (!field) return;
    let value = field.value;
    if (/^\s/.test(value)) {
      // The space typed after a comma ("a, b") is not part of the next tag.
      value = value.trimStart();
      field.value = value;
    }
    if (value.includes(',')) {
      // "a, b, c" adds a and b now and keeps c in the box, still being typed.
      const parts = value.split(',');
      const rest = parts.pop() ?? '';
      this.add(parts, rest.replace(/^\s+/, ''));
      return;
    }
    this.suggest(value);
  }

  private onKeyDown(e: KeyboardEvent): void {
    const n = this.suggestions.length;
    if (e.key === 'ArrowDown' && n) this.active = (this.active + 1) % n;
    else if (e.key === 'ArrowUp' && n) this.active = (this.active - 1 + n) % n;
    else if (e.key === 'Enter') {
      const pick = this.suggestions[this.active];
      if (pick) this.add([pick.name]);
      else this.add((this.field?.value ?? '').split(','));
    } else if (e.key === 'Tab' && !e.shiftKey && n && this.active >= 0) {
      const field = this.field;
      if (field) field.value = this.suggestions[this.active]!.name;
      this.close();
    } else if (e.key === 'Escape' && n) this.close();
    else return;
    e.preventDefault();
    e.stopPropagation();
  }

  private add(parts: readonly string[], rest = ''): void {
    const tags = parts.map(cleanTag).filter(Boolean);
    if (tags.length) this.store?.addTags(tags);
    const field = this.field;
    if (field) field.value = rest;
    this.close();
    if (rest) this.suggest(rest);
  }

  private close(): void {
    this.suggestions = [];
    this.active = -1;
    this.vocabSeq++;
    clearTimeout(this.vocabTimer);
  }

  private suggest(raw: string): void {
    const s = this.store;
    const q = cleanTag(raw).toLowerCase();
    this.query = q;
    clearTimeout(this.vocabTimer);
    if (!s || !q) return this.close();
    const m = s.model;
    const onImage = new Set(m.tagsOf[s.index] ?? []);
    const local: Suggestion[] = [];
    for (const hit of matchTags(m.lower, m.order('count', s.recent), q, MAX_LOCAL + onImage.size)) {
      const name = m.tags[hit]!;
      if (onImage.has(name)) continue;
      local.push({ name, count: m.counts.get(name) ?? 0, source: 'dataset' });
      if (local.length >= MAX_LOCAL) break;
    }
    this.suggestions = local;
    this.active = -1;
    const seq = ++this.vocabSeq;
    this.vocabTimer = setTimeout(async () => {
      const vocab = await s.queryVocab(q, MAX_TOTAL);
      if (seq !== this.vocabSeq || this.query !== q) return;
      const seen = new Set([...this.suggestions.map((x) => x.name), ...onImage]);
      const more = vocab
        .filter((v) => !seen.has(cleanTag(v.name)))
        .map((v): Suggestion => ({ name: cleanTag(v.name), source: 'vocab', category: v.category, alias: v.alias }));
      if (more.length) this.suggestions = [...this.suggestions, ...more].slice(0, MAX_TOTAL);
    }, VOCAB_DELAY_MS);
  }
}

customElements.define('add-tag-input', AddTagInput);

declare global {
  interface HTMLElementTagNameMap {
    'add-tag-input': AddTagInput;
  }
}
