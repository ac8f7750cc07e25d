/**
 * What every part of the panel's state shares: the dataset in memory, where the user is in it, the dataset's
 * caption settings, the page and the status line, the link to the host, and the batched `change` event.
 */
import type { ExportTarget } from '../../shared/model';
import type { PanelAction, ToHost, ToHostResult } from '../../shared/protocol';
import type { CaptionStyle } from '../../shared/model';
import { DatasetModel } from './datasetModel';

/** What changed, so each component re-renders only for what it shows. */
export type Aspect =
  | 'dataset'
  | 'current'
  | 'caption'
  | 'counts'
  | 'lists'
  | 'flags'
  | 'status'
  | 'view'
  | 'filter'
  | 'thumbs'
  | 'selection'
  | 'review'
  | 'captioning';

/** The `change` event's detail. */
export type ChangeDetail = ReadonlySet<Aspect>;

/** How the store talks to the host (the RpcEndpoint in the page, a recorder in tests). */
export interface HostLink {
  notify(body: ToHost): void;
  request<B extends ToHost>(body: B, timeoutMs?: number): Promise<ToHostResult<B['type']>>;
}

/** The status line. */
export interface Status {
  kind: 'saved' | 'saving' | 'error' | 'info';
  message: string;
}

/** The page the panel shows. */
export type PanelView = 'tagging' | 'report' | 'grid';

/** The shared state. Dispatches `change` (detail: the set of aspects) at most once per microtask. */
export class StoreCore extends EventTarget {
  readonly model = new DatasetModel();
  loaded = false;
  title = '';
  style: CaptionStyle = 'tags';
  trigger = '';
  /** The session's export target: the crop tool's bucket presets are its trainer's. */
  exportTarget: ExportTarget = 'civitai';
  index = 0;
  hostKeys = new Set<PanelAction>();
  view: PanelView = 'tagging';
  status: Status = { kind: 'info', message: '' };
  /** Settles when the preview has decoded the current image (the filmstrip waits for it before loading thumbnails). */
  previewShown: Promise<void> = Promise.resolve();
  /** Bumped on every change, so derived snapshots know when to rebuild. */
  revision = 0;
  private pendingAspects = new Set<Aspect>();

  constructor(readonly host: HostLink) {
    super();
  }

  /** The image shown now. */
  get current() {
    return this.model.images[this.index];
  }

  /** Sets the status line. */
  setStatus(kind: Status['kind'], message: string): void {
    this.status = { kind, message };
    this.emit('status');
  }

  /** Queues a change notification; components read the store when it fires. */
  emit(...aspects: Aspect[]): void {
    this.revision++;
    const first = this.pendingAspects.size === 0;
    for (const a of aspects) this.pendingAspects.add(a);
    if (!first) return;
    queueMicrotask(() => {
      const detail = this.pendingAspects;
      this.pendingAspects = new Set();
      this.dispatchEvent(new CustomEvent<ChangeDetail>('change', { detail }));
    });
  }
}
