/**
 * `<panel-toolbar>`: the title, go to number, and a `role=toolbar` of image actions (navigation, flags, undo/redo)
 * and dataset commands. One Tab stop: ←/→, Home/End move between its buttons. What does not fit the width goes
 * into a `…` menu, a group at a time (the flags together, undo with redo), as VS Code's own toolbars do. The report
 * page shows only the dataset commands: no image action runs out of sight.
 */
import { LitElement, css, html, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import { LOCAL_KEYS, PANEL_KEYMAP, withKey } from '../keymap';
import { baseStyles } from './styles';
import { StoreController } from './storeController';
import './overflow-menu';
import type { OverflowMenu, ToolbarItem } from './overflow-menu';
import { captionMenuItems } from './captioning/captionMenu';
import { findReplaceMenuItems } from './find-replace/findReplaceMenu';
import type { TaggerStore } from '../state/store';

/**
 * What gives way when the toolbar is too narrow, in order: first the command buttons lose their text, then items
 * move into the `…` menu. A group name moves all of its items at once.
 */
const STEPS = [
  'iconOnly',
  'keyboard',
  'report',
  'export',
  'check',
  'openBeside',
  'edit',
  'flags',
  'nextUntagged',
  'grid',
] as const;
/** Items of a group that only ever move to the menu together. */
const GROUPS: Record<string, string[]> = { edit: ['undo', 'redo'], flags: ['favourite', 'nsfw', 'skip'] };
/** The title keeps at least this much of its width before anything else gives way. */
const TITLE_MIN_PX = 160;

/** The panel's top toolbar. */
export class PanelToolbar extends LitElement {
  static override properties = { store: { attribute: false } };
  static override styles = [
    baseStyles,
    css`
      :host { display: block; position: relative; }
      .bar { display: flex; align-items: center; gap: 4px; padding: 2px 4px; min-width: 0; overflow: hidden; }
      .title { flex: 0 1 auto; min-width: 2em; font-size: inherit; font-weight: 600; margin: 0 4px; white-space: nowrap; overflow: hidden;
        text-overflow: ellipsis; }
      .goto { width: 84px; flex: none; }
      .tools { display: flex; align-items: center; gap: 2px; flex: 1 0 auto; }
      .spacer { flex: 1 1 auto; min-width: 4px; }
      .sep { width: 1px; height: 16px; flex: none; margin: 0 3px;
        background: var(--vscode-panel-border, var(--vscode-widget-border, transparent)); }
      .tb {
        font: inherit;
        color: var(--vscode-icon-foreground, var(--vscode-foreground));
        background: none;
        border: 1px solid transparent;
        border-radius: 5px;
        height: 24px;
        min-width: 24px;
        padding: 0 3px;
        margin: 0;
        flex: none;
        display: inline-flex;
        align-items: center;
        justify-content: center;
        gap: 4px;
        cursor: pointer;
        white-space: nowrap;
      }
      .tb:hover { background: var(--vscode-toolbar-hoverBackground); }
      .tb:hover, .cmd:hover {
        outline: 1px dashed var(--vscode-toolbar-hoverOutline, transparent);
        outline-offset: -1px;
      }
      .tb[aria-checked='true'] {
        background: var(--vscode-inputOption-activeBackground);
        border-color: var(--vscode-inputOption-activeBorder, transparent);
        color: var(--vscode-inputOption-activeForeground, inherit);
      }
      .tb.cmd {
        padding: 0 8px;
        color: var(--vscode-button-secondaryForeground);
        background: var(--vscode-button-secondaryBackground);
        border-color: var(--vscode-button-border, var(--vscode-contrastBorder, transparent));
        border-radius: 2px;
      }
      .tb.cmd:hover {
        background: var(--vscode-button-secondaryHoverBackground, var(--vscode-button-secondaryBackground));
      }
      .tb:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
      .tb.icon { padding: 0 3px; }
    `,
  ];
  declare store?: TaggerStore;
  /** How many STEPS apply at the current width. */
  private level = 0;
  private fittedWidth = 0;
  /** The toolbar button holding its one Tab stop. */
  private focusId = '';
  private readonly resize = new ResizeObserver((entries) => {
    const w = entries[0]?.contentRect.width ?? 0;
    // Wider than when it last fitted: start again from everything shown, and give way again as needed.
    if (w > this.fittedWidth + 1 && this.level > 0) {
      this.level = 0;
      this.requestUpdate();
    } else this.fit();
  });

  constructor() {
    super();
    new StoreController(this, ['dataset', 'current', 'flags', 'caption', 'view', 'selection', 'filter']);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
  }

  /** Focuses the "go to number" field. */
  focusGoTo(): void {
    const f = this.renderRoot.querySelector<VscodeTextfield>('.goto');
    f?.focus();
    (f?.wrappedElement as HTMLInputElement | undefined)?.select();
  }

  /** Every action the toolbar offers in the current view, in toolbar order (separators as null). */
  private items(): Array<ToolbarItem | null> {
    const s = this.store;
    const im = s?.current;
    const k = PANEL_KEYMAP;
    const item = (
      id: string,
      icon: string,
      label: string,
      title: string,
      run: () => void,
      more: Partial<ToolbarItem> = {},
    ) => ({ id, icon, label, title, run, ...more }) as ToolbarItem;
    const cmd = { command: true };
    const commands = [
      item(
        'check',
        'checklist',
        'Check dataset',
        "Check the dataset against the export target's rules",
        () => s?.runCommand('checkDataset'),
        cmd,
      ),
      item(
        'export',
        'package',
        'Export dataset',
        'Export for your trainer: CivitAI, kohya_ss, ai-toolkit, SimpleTuner or Hugging Face',
        () => s?.runCommand('exportDataset'),
        cmd,
      ),
      s?.view === 'report'
        ? item('report', 'tag', 'Tagging', 'Back to tagging', () => s?.setView('tagging'), cmd)
        : item('report', 'graph', 'Report', 'Dataset report', () => s?.setView('report'), cmd),
    ];
    const help = item(
      'keyboard',
      'keyboard',
      'Keyboard shortcuts',
      withKey('Keyboard shortcuts (?)', k.showShortcuts[0]),
      () => s?.runAction('showShortcuts'),
    );
    if (s?.view === 'report') return [...commands, help, ...findReplaceMenuItems(s)];
    const key = (title: string, keys: readonly string[]) => withKey(title, keys[0]);
    return [
      item('previous', 'arrow-left', 'Previous image', key('Previous image', k.previousImage), () =>
        s?.runAction('previousImage'),
      ),
      item('next', 'arrow-right', 'Next image', key('Next image', k.nextImage), () => s?.runAction('nextImage')),
      item('nextUntagged', 'debug-step-over', 'Next untagged image', key('Next untagged image', k.nextUntagged), () =>
        s?.runAction('nextUntagged'),
      ),
      item(
        'grid',
        'table',
        'Review grid',
        key('Review grid: thumbnails with their captions', LOCAL_KEYS.toggleGrid),
        () => s?.setView(s.view === 'grid' ? 'tagging' : 'grid'),
        { checked: s?.view === 'grid' },
      ),
      null,
      item(
        'favourite',
        im?.favourite ? 'star-full' : 'star-empty',
        'Favourite',
        key('Favourite', k.toggleFavourite),
        () => s?.toggleFlag('favourite'),
        { checked: !!im?.favourite },
      ),
      item('nsfw', 'eye-closed', 'NSFW', key('NSFW', k.toggleNsfw), () => s?.toggleFlag('nsfw'), {
        checked: !!im?.nsfw,
      }),
      item(
        'skip',
        'debug-step-out',
        'Skip',
        key('Skip: keep the image but leave it out of export', k.toggleSkipped),
        () => s?.toggleFlag('skipped'),
        { checked: im?.status === 'skipped' },
      ),
      null,
      item('undo', 'discard', 'Undo caption edit', key('Undo caption edit', LOCAL_KEYS.undo), () => s?.undo()),
      item('redo', 'redo', 'Redo caption edit', key('Redo caption edit', LOCAL_KEYS.redo), () => s?.redo()),
      item(
        'openBeside',
        'split-horizontal',
        'Open caption beside',
        "Open this image's .txt in an editor beside the panel",
        () => s?.runCommand('openCaptionBeside'),
        cmd,
      ),
      ...commands,
      help,
      ...captionMenuItems(s),
      ...findReplaceMenuItems(s),
    ];
  }

  override render() {
    const s = this.store;
    const steps = new Set<string>(STEPS.slice(0, this.level));
    const moved = (id: string) =>
      steps.has(id) || Object.entries(GROUPS).some(([g, ids]) => steps.has(g) && ids.includes(id));
    const all = this.items();
    const overflow = all.filter((it): it is ToolbarItem => !!it && (!!it.menuOnly || !!moved(it.id)));
    const shown = all.filter((it) => !it || (!it.menuOnly && !moved(it.id)));
    const ids = shown.filter((x): x is ToolbarItem => !!x).map((x) => x.id);
    if (overflow.length) ids.push('more');
    if (!ids.includes(this.focusId)) this.focusId = ids[0] ?? '';
    const iconOnly = steps.has('iconOnly');
    // Separators only between two groups both shown; the dataset commands sit at the right end.
    const parts: unknown[] = [];
    let spaced = false;
    shown.forEach((it, i) => {
      if (!it) {
        const next = shown[i + 1];
        if (parts.length && next && !next.command) parts.push(html`<span class="sep" role="separator"></span>`);
        return;
      }
      if (it.command && !spaced) {
        parts.push(html`<span class="spacer"></span>`);
        spaced = true;
      }
      parts.push(this.button(it, iconOnly));
    });
    if (!spaced) parts.push(html`<span class="spacer"></span>`);
    const n = s?.model.images.length ?? 0;
    return html`<div class="bar">
        <h1 class="title" title=${s?.title ?? ''}>${s?.title ?? ''}</h1>
        ${
          s?.view === 'report'
            ? nothing
            : html`<vscode-textfield
              class="goto"
              .label=${'Go to image number'}
              placeholder="Go to #"
              title=${withKey(`Go to image number (1-${n}), Enter`, LOCAL_KEYS.goTo[0])}
              @keydown=${this.onGoKey}
            ></vscode-textfield>`
        }
        <div class="tools" role="toolbar" aria-label=${s?.view === 'report' ? 'Dataset actions' : 'Image and dataset actions'}
          @keydown=${this.onToolsKey} @focusin=${this.onFocusIn}>
          ${parts}
          ${
            overflow.length
              ? html`<button class="tb icon more" data-id="more" tabindex=${this.focusId === 'more' ? 0 : -1} aria-label="More actions"
                title="More actions" aria-haspopup="menu" aria-expanded=${this.menu?.open ? 'true' : 'false'} @click=${() => this.openMenu()}
              ><vscode-icon name="ellipsis" aria-hidden="true"></vscode-icon></button>`
              : nothing
          }
        </div>
      </div>
      <overflow-menu .items=${overflow} @closed=${this.onMenuClosed}></overflow-menu>`;
  }

  private button(it: ToolbarItem, iconOnly: boolean) {
    const text = it.command && !iconOnly;
    const toggle = it.checked !== undefined;
    // A visible text is the accessible name; an icon-only button is named by aria-label (its title says the same).
    return html`<button
      class="tb ${it.command ? 'cmd' : ''} ${text ? '' : 'icon'}"
      data-id=${it.id}
      tabindex=${this.focusId === it.id ? 0 : -1}
      role=${toggle ? 'switch' : nothing}
      aria-checked=${toggle ? (it.checked ? 'true' : 'false') : nothing}
      aria-label=${text ? nothing : it.label}
      title=${text || it.title.startsWith(it.label) ? it.title : `${it.label}: ${it.title}`}
      @click=${it.run}
    ><vscode-icon name=${it.icon} aria-hidden="true"></vscode-icon>${text ? html`<span>${it.label}</span>` : nothing}</button>`;
  }

  override updated(): void {
    this.fit();
  }

  /** Gives way one step at a time (each a synchronous re-render, before the frame is painted) until all fits. */
  private fit(): void {
    const bar = this.renderRoot.querySelector<HTMLElement>('.bar');
    const tools = this.renderRoot.querySelector<HTMLElement>('.tools');
    const title = this.renderRoot.querySelector<HTMLElement>('.title');
    if (!bar || !tools || !title || !bar.clientWidth) return;
    const over = (el: HTMLElement) => el.scrollWidth > el.clientWidth + 1;
    const tooNarrow = over(bar) || over(tools) || title.clientWidth + 1 < Math.min(title.scrollWidth, TITLE_MIN_PX);
    if (tooNarrow && this.level < STEPS.length) {
      this.level++;
      this.requestUpdate();
    } else this.fittedWidth = bar.clientWidth;
  }

  private get menu(): OverflowMenu | null {
    return this.renderRoot.querySelector('overflow-menu');
  }

  private openMenu(focusLast = false): void {
    const m = this.menu;
    if (!m) return;
    if (m.open) return m.hide();
    void m.show(focusLast).then(() => this.requestUpdate());
  }

  private onMenuClosed(e: CustomEvent<{ refocus: boolean }>): void {
    this.requestUpdate();
    if (e.detail.refocus) this.renderRoot.querySelector<HTMLElement>('.more')?.focus();
  }

  private toolButtons(): HTMLElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLElement>('.tools > button')];
  }

  private onFocusIn(e: FocusEvent): void {
    const id = (e.composedPath()[0] as HTMLElement).closest?.('button')?.dataset.id;
    if (id) this.focusId = id;
  }

  private onToolsKey(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const buttons = this.toolButtons();
    const at = buttons.indexOf(e.composedPath()[0] as HTMLElement);
    if (at === -1) return;
    let to = -1;
    if (e.key === 'ArrowRight') to = (at + 1) % buttons.length;
    else if (e.key === 'ArrowLeft') to = (at - 1 + buttons.length) % buttons.length;
    else if (e.key === 'Home') to = 0;
    else if (e.key === 'End') to = buttons.length - 1;
    else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && buttons[at]!.dataset.id === 'more')
      this.openMenu(e.key === 'ArrowUp');
    else return;
    e.preventDefault();
    e.stopPropagation();
    if (to === -1) return;
    this.focusId = buttons[to]!.dataset.id ?? '';
    for (const b of buttons) b.tabIndex = b === buttons[to] ? 0 : -1;
    buttons[to]!.focus();
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
