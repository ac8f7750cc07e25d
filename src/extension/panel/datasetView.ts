/** The dataset as the tagging panel's webview sees it: staged names and webview URIs only, never paths elsewhere. */
import * as vscode from 'vscode';
import type { DatasetView } from '../../shared/protocol';
import { isUnreviewed } from '../dataset/captioning/provenance';
import type { PipelineLease } from '../dataset/images/imageService';
import type { Dataset } from '../dataset/session/dataset';
import { HOST_KEY_ACTIONS } from './keybindings';

/** Builds the `dataset/load` payload of one panel. */
export function datasetView(
  dataset: Dataset,
  webview: vscode.Webview,
  title: string,
  lease: PipelineLease | undefined,
): DatasetView {
  const s = dataset.session;
  const current = Math.max(
    0,
    s.images.findIndex((i) => i.file === s.currentFile),
  );
  return {
    title,
    outputFolder: dataset.outputFolder,
    prefix: s.prefix,
    triggerWord: s.triggerWord,
    captionStyle: s.captionStyle,
    exportTarget: s.exportTarget ?? 'civitai',
    images: s.images.map((i) => {
      const caption = dataset.caption(i.file);
      return {
        file: i.file,
        // A staged image that is a link (case 7 of issue 9) is never shown through it: no URI, no thumbnail.
        uri: dataset.imageProblem(i.file)
          ? ''
          : webview.asWebviewUri(vscode.Uri.file(dataset.resolve(i.file))).toString(),
        ...thumbOf(lease, i.file, webview),
        width: i.width,
        height: i.height,
        orientation: i.orientation,
        status: i.status,
        favourite: i.favourite,
        nsfw: i.nsfw,
        caption,
        rev: dataset.captionRev(i.file),
        machine: isUnreviewed(i.machine, caption),
        ...(i.crop ? { crop: { ...i.crop } } : {}),
      };
    }),
    knownTags: dataset.knownTags(),
    recentTags: [...s.recentTags],
    pinnedTags: [...s.pinnedTags],
    categories: s.categories.map((c) => ({ name: c.name, tags: [...c.tags] })),
    currentIndex: current,
    hostKeys: [...HOST_KEY_ACTIONS],
  };
}

/** The thumbnail field of an ImageView when the pipeline has made it. */
function thumbOf(lease: PipelineLease | undefined, file: string, webview: vscode.Webview): { thumb?: string } {
  const path = lease?.pipeline.thumbnail(file);
  return path ? { thumb: webview.asWebviewUri(vscode.Uri.file(path)).toString() } : {};
}
