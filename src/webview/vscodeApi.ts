/** The one `acquireVsCodeApi()` handle of the page, and the view state the webview keeps in it. */

/** What VS Code gives the webview: posting to the host and a small per-panel state slot. */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  function acquireVsCodeApi(): VsCodeApi;
}

/** View state only (design.md: never data): survives a hidden panel and a window reload. */
export interface ViewState {
  view: 'tagging' | 'report' | 'grid';
  paletteFilter: string;
  paletteSort: 'count' | 'name' | 'recent';
  groupByCategory: boolean;
  imageFilterKind: 'all' | 'untagged' | 'favourite' | 'nsfw' | 'tag' | 'text' | 'query';
  imageFilterValue: string;
  filmstripScroll: number;
  paletteScroll: number;
  zoom: number | 'fit';
  /** The side column's width in px (0: the default), set with the sash between it and the image. */
  sideWidth: number;
  /** The image's height in px when the panel is narrow and the side column is below it (0: the default). */
  previewHeight: number;
  /** The filmstrip's thumbnail size in px (0: the default, smaller on a short panel). */
  thumbSize: number;
}

/** Defaults for a first open. */
export const DEFAULT_VIEW_STATE: ViewState = {
  view: 'tagging',
  paletteFilter: '',
  paletteSort: 'count',
  groupByCategory: false,
  imageFilterKind: 'all',
  imageFilterValue: '',
  filmstripScroll: 0,
  paletteScroll: 0,
  zoom: 'fit',
  sideWidth: 0,
  previewHeight: 0,
  thumbSize: 0,
};

/** Reads and writes the view state, merging partial updates and writing at most once per frame. */
export class ViewStateStore {
  private state: ViewState;
  private pending = false;

  constructor(private readonly api: VsCodeApi) {
    const saved = api.getState();
    this.state = {
      ...DEFAULT_VIEW_STATE,
      ...(typeof saved === 'object' && saved !== null ? (saved as Partial<ViewState>) : {}),
    };
  }

  /** The current view state. */
  get(): Readonly<ViewState> {
    return this.state;
  }

  /** Merges a change and schedules the write. */
  set(patch: Partial<ViewState>): void {
    this.state = { ...this.state, ...patch };
    if (this.pending) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      this.api.setState(this.state);
    });
  }
}
