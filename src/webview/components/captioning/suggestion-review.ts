/**
 * `<suggestion-review>`: the machine suggestion of the current image beside its caption (issue 12), with Accept,
 * Merge and Reject and the keys that move through the images with suggestions; when the current image has none, a
 * line saying how many wait elsewhere; when its caption is machine-written and not reviewed yet, a note saying so
 * with Mark reviewed (several selected: for those of them that are).
 */
import { LitElement, css, html, nothing } from 'lit';
import { withKey, keyLabel } from '../../keymap';
import type { SuggestionAnswer, SuggestionView } from '../../../shared/protocol';
import type { TaggerStore } from '../../state/store';
import { baseStyles, chipStyles } from '../styles';
import { StoreController } from '../storeController';
import { REVIEW_KEYS, markTargets } from './reviewKeys';

/** The review of the current image's machine suggestion. */
export class SuggestionReview extends LitElement {
  static override properties = { store: { attribute: false } };
  static override styles = [
    baseStyles,
    chipStyles,
    css`
      :host { display: block; }
      :host([hidden]) { display: none; }
      section { display: flex; flex-direction: column; gap: 6px; padding: 6px 8px; border-radius: 4px;
        border: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, var(--vscode-panel-border)));
        background: var(--vscode-editorWidget-background, transparent); }
      .head { display: flex; align-items: baseline; gap: 6px; flex-wrap: wrap; }
      h3 { margin: 0; font-size: 12px; font-weight: 600; }
      .text { white-space: pre-wrap; overflow-wrap: anywhere; max-height: 12em; overflow-y: auto; margin: 0;
        font-size: 12px; line-height: 1.45; padding: 4px 6px; border-radius: 2px;
        background: var(--vscode-textCodeBlock-background, var(--vscode-input-background)); }
      ul.tags { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px; max-height: 10em; overflow-y: auto; }
      .score { font-variant-numeric: tabular-nums; opacity: 0.8; margin-left: 4px; }
      .unknown { font-style: italic; }
      .actions { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
      .nav { display: flex; gap: 2px; margin-left: auto; }
      p.help { margin: 0; font-size: 12px; }
      .note { font-size: 12px; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
      .badge { font-size: 11px; padding: 0 6px; border-radius: 8px; color: var(--vscode-badge-foreground);
        background: var(--vscode-badge-background); border: 1px solid var(--vscode-contrastBorder, transparent); }
      .note .btn { min-height: 22px; padding: 0 8px; font-size: 12px; }
    `,
  ];
  declare store?: TaggerStore;

  constructor() {
    super();
    new StoreController(this, ['dataset', 'current', 'review', 'caption', 'flags', 'selection']);
  }

  override render() {
    const s = this.store;
    const im = s?.current;
    if (!s || !im) return nothing;
    const sug = s.review.current;
    if (sug) return this.renderSuggestion(s, sug);
    const waiting = s.review.count;
    const targets = markTargets(s);
    const unreviewed = s.review.unreviewedOf(targets).length;
    const several = targets.length > 1;
    const mark = html`<button class="btn secondary" aria-keyshortcuts=${keyLabel(REVIEW_KEYS.markReviewed[0], false)}
      title=${withKey(several ? 'Mark the selected machine captions reviewed, unchanged' : 'Mark this machine caption reviewed, unchanged', REVIEW_KEYS.markReviewed[0])}
      @click=${() => void s.review.markReviewed(targets)}>${several ? `Mark ${unreviewed} reviewed` : 'Mark reviewed'}</button>`;
    const machine = !unreviewed
      ? nothing
      : several
        ? html`<span class="badge" role="note">${unreviewed} of the ${targets.length} selected: machine captions, not reviewed yet</span>${mark}`
        : html`<span class="badge" role="note">Machine caption, not reviewed yet</span>
          <span class="muted">Editing it marks it reviewed.</span>${mark}`;
    const others = waiting
      ? html`<span class="muted">${waiting} machine suggestion${waiting === 1 ? '' : 's'} waiting</span>
          <button class="plain" @click=${() => s.review.move(1)} title=${withKey('Next suggestion', REVIEW_KEYS.nextSuggestion[0])}>
            Next suggestion</button>`
      : nothing;
    if (machine === nothing && others === nothing) return nothing;
    return html`<div class="note">${machine}${others}</div>`;
  }

  private renderSuggestion(s: TaggerStore, sug: SuggestionView) {
    const busy = s.review.isAnswering(sug.file);
    const natural = s.style === 'natural';
    const mergeHelp = natural
      ? 'Merge keeps your caption and adds the suggestion after it as a further sentence.'
      : 'Merge keeps your tags in your order and adds the suggested tags you do not have yet.';
    const btn = (answer: SuggestionAnswer, label: string, key: string, secondary: boolean, help: string) =>
      html`<button class="btn ${secondary ? 'secondary' : ''}" ?disabled=${busy} title=${withKey(help, key)}
        aria-keyshortcuts=${keyLabel(key, false)} @click=${() => void s.review.answer(answer)}>${label}</button>`;
    return html`<section aria-labelledby="sug-title">
      <div class="head">
        <h3 id="sug-title">Machine suggestion</h3>
        <span class="muted">${s.review.position()} of ${s.review.count} · ${sug.model || sug.provider}</span>
      </div>
      ${
        sug.tags?.length
          ? html`<ul class="tags" aria-label="Suggested tags">
            ${sug.tags.map(
              (
                t,
              ) => html`<li class="chip ${t.unknown ? 'unknown' : ''}" title=${t.unknown ? 'Not in your tag lists' : ''}>
                <span class="label">${t.tag}</span>${t.score === undefined ? nothing : html`<span class="score">${Math.round(t.score * 100)}%</span>`}</li>`,
            )}</ul>`
          : html`<p class="text" aria-label="Suggested caption">${sug.text}</p>`
      }
      <div class="actions">
        ${btn('accept', 'Accept', REVIEW_KEYS.accept[0], false, 'Accept: the suggestion becomes the caption')}
        ${btn('merge', 'Merge', REVIEW_KEYS.merge[0], true, mergeHelp)}
        ${btn('reject', 'Reject', REVIEW_KEYS.reject[0], true, 'Reject: the caption stays as it is')}
        <span class="nav">
          <button class="plain" aria-label="Previous suggestion" title=${withKey('Previous suggestion', REVIEW_KEYS.previousSuggestion[0])}
            @click=${() => s.review.move(-1)}><span aria-hidden="true">‹</span></button>
          <button class="plain" aria-label="Next suggestion" title=${withKey('Next suggestion', REVIEW_KEYS.nextSuggestion[0])}
            @click=${() => s.review.move(1)}><span aria-hidden="true">›</span></button>
        </span>
      </div>
      <p class="muted help">${mergeHelp}</p>
    </section>`;
  }
}

customElements.define('suggestion-review', SuggestionReview);

declare global {
  interface HTMLElementTagNameMap {
    'suggestion-review': SuggestionReview;
  }
}
