/**
 * `<image-query>`: the image filter above the filmstrip. A query in the filter language (src/shared/filterQuery.ts)
 * typed into one text box, and a list of presets that write a query into it (All, Untagged, Favourites, …). A query
 * that cannot be read says where and why under the box, and the images of the last valid query stay shown.
 */
import { LitElement, css, html, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { ImageFilterKind } from '../../state/datasetModel';
import { baseStyles } from '../styles';
import { StoreController } from '../storeController';
import type { TaggerStore } from '../../state/store';
import type { ViewStateStore } from '../../vscodeApi';

/** The presets: a name for the list and the query it writes. */
export const FILTER_PRESETS: ReadonlyArray<{ id: string; label: string; query: string }> = [
  { id: 'all', label: 'All images', query: '' },
  { id: 'untagged', label: 'Untagged', query: 'untagged' },
  { id: 'favourite', label: 'Favourites', query: 'favourite' },
  { id: 'nsfw', label: 'NSFW', query: 'nsfw' },
  { id: 'machine', label: 'Machine-written', query: 'machine' },
  { id: 'duplicate', label: 'Duplicates', query: 'duplicate' },
  { id: 'long', label: 'Over 77 tokens', query: 'tokens:>77' },
  { id: 'tag', label: 'With tag…', query: 'tag:' },
  { id: 'text', label: 'Caption contains…', query: 'caption:' },
];

/** The query an older filter setting (kept in a saved view state) means. */
export function settingQuery(kind: ImageFilterKind, value: string): string {
  const quoted = `"${value.trim().replace(/["\\]/g, (c) => `\\${c}`)}"`;
  if (kind === 'query') return value;
  if (kind === 'tag') return `tag:${value.trim() ? quoted : ''}`;
  if (kind === 'text') return `caption:${value.trim() ? quoted : ''}`;
  return kind === 'all' ? '' : kind;
}

/** Which preset a query is (one tag: term is "With tag…"), or 'query' for any other. */
export function presetOf(query: string): string {
  const q = query.trim();
  const exact = FILTER_PRESETS.find((p) => p.query === q);
  if (exact) return exact.id;
  if (/^tag:("[^"]*"|[^\s"]*)$/.test(q)) return 'tag';
  if (/^caption:("[^"]*"|[^\s"~][^\s"]*)$/.test(q)) return 'text';
  return 'query';
}

/** The preset list, the query box and the query's error. */
export class ImageQuery extends LitElement {
  static override properties = { store: { attribute: false }, viewState: { attribute: false } };
  static override styles = [
    baseStyles,
    css`
      :host { display: contents; }
      vscode-single-select { width: 130px; }
      vscode-textfield { width: 240px; max-width: 100%; }
      .err { flex-basis: 100%; color: var(--vscode-errorForeground); font-size: 12px; }
      .err:empty { display: none; }
    `,
  ];
  declare store?: TaggerStore;
  declare viewState?: ViewStateStore;

  constructor() {
    super();
    new StoreController(this, ['filter']);
  }

  override render() {
    const s = this.store;
    if (!s) return nothing;
    const query = settingQuery(s.imageFilter.kind, s.imageFilter.value);
    const preset = presetOf(query);
    const err = s.filterError;
    return html`<vscode-single-select position="above" label="Show images" title="Filter presets: each writes a query into the filter box" .value=${preset} @change=${this.onPreset}>
        ${FILTER_PRESETS.map((p) => html`<vscode-option value=${p.id}>${p.label}</vscode-option>`)}
        <vscode-option value="query">Query</vscode-option>
      </vscode-single-select>
      <vscode-textfield
        .label=${'Image filter query'}
        title="Filter: tag:&quot;red hair&quot; -tag:smiling, caption:~regex, name:*_00??.png, tokens:>77, untagged, favourite, nsfw, skipped, machine, duplicate, AND OR NOT ( ) — ? lists them all"
        placeholder='tag:"red hair" -tag:smiling'
        ?invalid=${err !== undefined}
        .value=${query}
        @input=${this.onInput}
      ></vscode-textfield>
      <div class="err" role="status" aria-live="polite" aria-label="Filter query error">${
        err ? `Column ${err.pos + 1}: ${err.message}. The images shown are still those of the last valid query.` : ''
      }</div>`;
  }

  private apply(query: string): void {
    this.store?.setImageFilter(query.trim() ? 'query' : 'all', query);
    this.viewState?.set({ imageFilterKind: query.trim() ? 'query' : 'all', imageFilterValue: query });
  }

  private onPreset(e: Event): void {
    const id = (e.currentTarget as HTMLSelectElement).value;
    const p = FILTER_PRESETS.find((x) => x.id === id);
    if (!p) return;
    this.apply(p.query);
    if (p.query.endsWith(':')) {
      // "With tag…" and "Caption contains…" need the user's words next: the caret goes after the colon.
      void this.updateComplete.then(() => this.renderRoot.querySelector('vscode-textfield')?.focus());
    }
  }

  private onInput(e: Event): void {
    this.apply((e.currentTarget as VscodeTextfield).value);
  }
}

customElements.define('image-query', ImageQuery);

declare global {
  interface HTMLElementTagNameMap {
    'image-query': ImageQuery;
  }
}
