/** The one `acquireVsCodeApi()` handle of the page, and the view state the webview keeps in it. */
import { z } from 'zod';

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

const D = DEFAULT_VIEW_STATE;
const size = (fallback: number) => z.number().finite().min(0).max(100_000).catch(fallback);
// Each field falls back to its default on its own: a state saved by an older build, or damaged, never keeps the
// panel from opening, and a good field beside a bad one is kept.
const ViewStateSchema = z.object({
  view: z.enum(['tagging', 'report', 'grid']).catch(D.view),
  paletteFilter: z.string().max(1000).catch(D.paletteFilter),
  paletteSort: z.enum(['count', 'name', 'recent']).catch(D.paletteSort),
  groupByCategory: z.boolean().catch(D.groupByCategory),
  imageFilterKind: z.enum(['all', 'untagged', 'favourite', 'nsfw', 'tag', 'text', 'query']).catch(D.imageFilterKind),
  imageFilterValue: z.string().max(10_000).catch(D.imageFilterValue),
  filmstripScroll: size(D.filmstripScroll),
  paletteScroll: size(D.paletteScroll),
  zoom: z.union([z.literal('fit'), z.number().finite().min(0.05).max(16)]).catch(D.zoom),
  sideWidth: size(D.sideWidth),
  previewHeight: size(D.previewHeight),
  thumbSize: size(D.thumbSize),
});

/** The saved view state checked field by field: what is missing or not of its type is the default. */
export function readViewState(saved: unknown): ViewState {
  const obj = typeof saved === 'object' && saved !== null && !Array.isArray(saved) ? saved : {};
  return ViewStateSchema.parse(obj);
}

/** Reads and writes the view state, merging partial updates and writing at most once per frame. */
export class ViewStateStore {
  private state: ViewState;
  private pending = false;

  constructor(private readonly api: VsCodeApi) {
    this.state = readViewState(api.getState());
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
