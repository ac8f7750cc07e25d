/** `<tag-shelves>`: the pinned tags (numbered, Alt+1…9) and the recently used tags, one click to toggle each. */
import { LitElement, css, html, nothing } from 'lit';
import { baseStyles, chipStyles } from '../styles';
import { StoreController } from '../storeController';
import type { TaggerStore } from '../../state/store';

const RECENT_SHOWN = 12;

/** Pinned and recent tag rows above the palette. */
export class TagShelves extends LitElement {
  static override properties = { store: { attribute: false } };
  static override styles = [
    baseStyles,
    chipStyles,
    css`
      :host { display: block; }
      .shelf { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; margin: 2px 0 4px; }
      .shelf h3 { margin-right: 4px; }
      .chip { padding: 1px 8px; cursor: pointer; font: inherit; }
      .num { font-size: 10px; font-weight: 700; opacity: 0.8; margin-right: 2px; }
    `,
  ];
  declare store?: TaggerStore;

  constructor() {
    super();
    new StoreController(this, ['lists', 'current', 'caption', 'dataset']);
  }

  override render() {
    const s = this.store;
    if (!s) return nothing;
    const onImage = new Set(s.model.tagsOf[s.index] ?? []);
    const recent = s.recent.slice(0, RECENT_SHOWN);
    return html`${
      s.pinned.length
        ? html`<div class="shelf" role="group" aria-label="Pinned tags">
            <h3 class="section-title">Pinned</h3>
            ${s.pinned.map((t, i) => this.chip(t, onImage.has(t), i < 9 ? i + 1 : undefined))}
          </div>`
        : nothing
    }
      ${
        recent.length
          ? html`<div class="shelf" role="group" aria-label="Recent tags">
            <h3 class="section-title">Recent</h3>
            ${recent.map((t) => this.chip(t, onImage.has(t)))}
          </div>`
          : nothing
      }`;
  }

  private chip(tag: string, on: boolean, n?: number) {
    const what = n ? `Pinned ${n}: ${tag}` : `Recent: ${tag}`;
    return html`<button
      class="chip ${on ? '' : 'off'}"
      aria-label=${what}
      aria-pressed=${on ? 'true' : 'false'}
      title="${tag}${n ? ` (Alt+${n})` : ''}: click toggles it on this image"
      @click=${() => this.store?.toggleTag(tag)}
    >${n ? html`<span class="num" aria-hidden="true">${n}</span> ` : nothing}<span class="label">${tag}</span></button>`;
  }
}

customElements.define('tag-shelves', TagShelves);

declare global {
  interface HTMLElementTagNameMap {
    'tag-shelves': TagShelves;
  }
}
