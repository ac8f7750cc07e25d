/**
 * The part the panel's modal dialogs share (the `?` shortcut list, find and replace): a `<dialog>` in the host's
 * render root opened with showModal, on a first focus; Tab and Shift+Tab go round the dialog's own controls
 * (showModal alone lets Tab past the last one and out of the webview, into VS Code behind the dialog); closing
 * gives the focus back to where it was when the dialog opened.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The focused element, looking through shadow roots. */
export function deepActive(): HTMLElement | null {
  let el = document.activeElement as HTMLElement | null;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement as HTMLElement;
  return el;
}

/** The elements Tab stops at inside `root`, in order, looking into shadow roots (a radio group is one stop). */
export function tabStops(root: Element | ShadowRoot): HTMLElement[] {
  const stops: HTMLElement[] = [];
  const walk = (parent: Element | ShadowRoot) => {
    for (const el of parent.children) {
      if (!(el instanceof HTMLElement) || el.inert || el.hidden) continue;
      if (el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0) {
        const radio = el instanceof HTMLInputElement && el.type === 'radio' && el.name;
        if (!radio || el.checked) stops.push(el);
      }
      if (el.shadowRoot) walk(el.shadowRoot);
      walk(el);
    }
  };
  walk(root);
  return stops;
}

/** Opens, closes and keeps the focus inside one modal `<dialog>` of the host component. */
export class ModalDialog implements ReactiveController {
  private returnFocus: HTMLElement | null = null;
  private readonly onKeydown = (e: KeyboardEvent) => this.keepTabInside(e);
  private readonly onClose = () => {
    const back = this.returnFocus;
    this.returnFocus = null;
    back?.focus();
  };
  private watched: HTMLDialogElement | null = null;

  constructor(private readonly host: ReactiveControllerHost & { renderRoot: HTMLElement | DocumentFragment }) {
    host.addController(this);
  }

  /** The dialog element (once rendered). */
  get dialog(): HTMLDialogElement | null {
    return this.host.renderRoot.querySelector('dialog');
  }

  /** True while shown. */
  get isOpen(): boolean {
    return !!this.dialog?.open;
  }

  hostUpdated(): void {
    // The dialog is rendered once and kept; listen on it from its first render (and should it ever be replaced).
    const d = this.dialog;
    if (d === this.watched) return;
    this.watched?.removeEventListener('keydown', this.onKeydown);
    this.watched?.removeEventListener('close', this.onClose);
    d?.addEventListener('keydown', this.onKeydown);
    d?.addEventListener('close', this.onClose);
    this.watched = d;
  }

  hostDisconnected(): void {
    this.watched?.removeEventListener('keydown', this.onKeydown);
    this.watched?.removeEventListener('close', this.onClose);
    this.watched = null;
  }

  /** Shows the dialog as a modal, remembering the focus to give back; false when it was open already (or absent). */
  open(): boolean {
    const d = this.dialog;
    if (!d || d.open) return false;
    this.hostUpdated();
    this.returnFocus = deepActive();
    d.showModal();
    return true;
  }

  /** Closes the dialog; the focus goes back to where it was when it opened. */
  close(): void {
    this.dialog?.close();
  }

  /** Tab on the last stop goes to the first, Shift+Tab on the first to the last. */
  private keepTabInside(e: KeyboardEvent): void {
    if (e.key !== 'Tab' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const d = this.dialog;
    const stops = d ? tabStops(d) : [];
    if (!stops.length) return;
    const active = deepActive();
    const at = stops.findIndex((s) => s === active || s.shadowRoot?.contains(active));
    // Elsewhere (no stop focused, or one in between) Tab does what it always does.
    const to = at < 0 ? -1 : e.shiftKey ? (at === 0 ? stops.length - 1 : -1) : at === stops.length - 1 ? 0 : -1;
    if (to < 0) return;
    e.preventDefault();
    stops[to]!.focus();
  }
}
