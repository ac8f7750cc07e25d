/** Applies each message from the host to the store: one exhaustive switch, as design.md asks for. */
import { assertNever, type ToWebview } from '../shared/protocol';
import type { TaggerStore } from './state/store';

/** Applies one validated host message (replies are matched by the RpcEndpoint and never come here). */
export function applyHostMessage(store: TaggerStore, msg: ToWebview): void {
  switch (msg.type) {
    case 'dataset/load':
      return store.load(msg.dataset);
    case 'dataset/target':
      return store.setExportTarget(msg.exportTarget);
    case 'caption/changed':
      return store.applyOutsideCaption(msg.file, msg.text, msg.rev);
    case 'captions/changed':
      return store.applyOutsideCaptions(msg.changes);
    case 'tags/known':
      return store.addKnownTags(msg.tags);
    case 'session/lists':
      return store.setLists(msg.recentTags, msg.pinnedTags, msg.categories);
    case 'image/changed':
      return store.applyImageChanged(msg.file, msg.status, msg.favourite, msg.nsfw);
    case 'image/reveal':
      return store.reveal(msg.file);
    case 'action':
      return store.runAction(msg.action);
    case 'view/show':
      return store.setView(msg.view);
    case 'status':
      return store.setStatus(msg.kind, msg.message);
    case 'thumbs/ready':
      return store.setThumbs(msg.thumbs);
    case 'review/state':
      return store.review.apply(msg.suggestions, msg.unreviewed);
    case 'check/duplicates':
      return store.setDuplicates(msg.files);
    case 'captioning/run':
      return store.captionRun.apply(msg.run);
    default:
      assertNever(msg);
  }
}
