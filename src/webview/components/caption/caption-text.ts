/** `<caption-text>`: the exact text of the current `.txt`, editable; typing is saved after a pause, on blur and on navigation. */
import { LitElement, css, html } from 'lit';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import type { VscodeTextarea } from '@vscode-elements/elements/dist/vscode-textarea/vscode-textarea.js';
import { toFileText } from '../../../shared/caption';
import {
  CLIP_TOKEN_LIMIT,
  T5_TOKEN_LIMIT,
  countWords,
  estimateClipTokens,
  estimateT5Tokens,
} from '../../../shared/report';
import { baseStyles } from '../styles';
import { StoreController } from '../storeController';
import type { TaggerStore } from '../../state/store';

/** The caption text area. In the `natural` style it is the main editor; in `tags` style a view of `trigger, tag1, tag2`. */
export class CaptionText extends LitElement {
  static override properties = { store: { attribute: false } };
  static override styles = [
    baseStyles,
    css`
      :host { display: block; }
      vscode-textarea { width: 100%; display: block; }
      .meta {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        gap: 2px 8px;
        margin-top: 2px;
        font-size: 11px;
      }
      .tokens.over {
        color: var(--vscode-list-warningForeground, var(--vscode-editorWarning-foreground));
        font-weight: 600;
      }
    `,
  ];
  declare store?: TaggerStore;

  constructor() {
    super();
    new StoreController(this, ['current', 'caption', 'dataset']);
  }

  private get area(): VscodeTextarea | null {
    return this.renderRoot.querySelector('vscode-textarea');
  }

  /** Focuses the text area. */
  override focus(): void {
    this.area?.focus();
  }

  override render() {
    const s = this.store;
    const natural = s?.style === 'natural';
    const text = s?.current?.caption ?? '';
    const words = countWords(text);
    const clip = estimateClipTokens(text);
    const t5 = estimateT5Tokens(text);
    const over = clip > CLIP_TOKEN_LIMIT || t5 > T5_TOKEN_LIMIT;
    const cut = [clip > CLIP_TOKEN_LIMIT ? 'CLIP' : '', t5 > T5_TOKEN_LIMIT ? 'T5' : ''].filter(Boolean).join(' and ');
    return html`<vscode-textarea
        .label=${'Caption text'}
        placeholder=${natural ? 'Describe the image in sentences…' : 'trigger, tag1, tag2'}
        rows=${natural ? 6 : 3}
        resize="vertical"
        spellcheck="false"
        @input=${this.onInput}
        @keydown=${this.onKeyDown}
        @focusout=${() => this.store?.flush()}
      ></vscode-textarea>
      <div class="meta muted">
        <span>${natural ? 'Natural-language caption' : 'Tag caption'} · ${words} words · ${text.length} chars</span>
        <span class="tokens ${over ? 'over' : ''}" title="Estimated tokens (the report's estimate, not a tokenizer run): CLIP reads ${CLIP_TOKEN_LIMIT}, T5 ${T5_TOKEN_LIMIT}; past that the text encoder cuts the caption"
          >~${clip}/${CLIP_TOKEN_LIMIT} CLIP · ~${t5}/${T5_TOKEN_LIMIT} T5 tokens${over ? html`<span class="sr-only">: longer than ${cut} reads</span>` : ''}</span>
      </div>`;
  }

  protected override async updated(): Promise<void> {
    const area = this.area;
    const text = this.store?.current?.caption ?? '';
    if (!area || area.value === text) return;
    const inner = area.wrappedElement as HTMLTextAreaElement | undefined;
    const focused = this.shadowRoot?.activeElement === area;
    const start = inner?.selectionStart ?? 0;
    const end = inner?.selectionEnd ?? 0;
    area.value = text;
    await area.updateComplete;
    // An outside change arrived while the caret was here (and nothing was typed since): keep the caret in place.
    if (focused && inner) inner.setSelectionRange(Math.min(start, text.length), Math.min(end, text.length));
  }

  private onInput(e: Event): void {
    const area = e.currentTarget as VscodeTextarea;
    let value = area.value;
    if (/[\r\n]/.test(value)) {
      // Pasted line breaks: trainers read each line as its own caption, so they become spaces, caret kept.
      const inner = area.wrappedElement as HTMLTextAreaElement;
      const caret = toFileText(value.slice(0, inner.selectionStart)).length;
      value = toFileText(value);
      area.value = value;
      inner.value = value;
      inner.setSelectionRange(caret, caret);
    }
    this.store?.typeCaption(value);
  }

  private onKeyDown(e: KeyboardEvent): void {
    // Enter would type a line break, which is never written: it does nothing here.
    if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey && !e.altKey) e.preventDefault();
  }
}

customElements.define('caption-text', CaptionText);

declare global {
  interface HTMLElementTagNameMap {
    'caption-text': CaptionText;
  }
}
