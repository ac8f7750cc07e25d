/** The panel's vocabulary messages: autocomplete and tag categories, answered by the vocabulary worker. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ToHost, ToHostResults } from '../../../shared/protocol';
import type { RequestHandlers } from '../../../shared/rpc';
import { VocabularyWorker } from '../../dataset/vocabulary/vocabWorkerClient';
import { log } from '../../log';

type VocabMessages = Extract<ToHost, { type: 'vocab/query' | 'vocab/categories' }>;

let worker: VocabularyWorker | undefined;

/** The one vocabulary worker of this extension host (dist/vocabWorker.js, beside dist/extension.js). */
function vocabularyWorker(): VocabularyWorker {
  worker ??= new VocabularyWorker(path.join(__dirname, 'vocabWorker.js'), (problem) => {
    log().warn(problem);
    // A file that cannot be read at all is worth saying out loud; bad lines stay in the output channel.
    if (/cannot read this vocabulary file/.test(problem)) void vscode.window.showWarningMessage(problem);
  });
  return worker;
}

/** Handlers of `vocab/query` and `vocab/categories` for the vocabulary files `files()` names now. */
export function vocabularyHandlers(
  files: () => string[],
): Pick<RequestHandlers<ToHost, typeof ToHostResults>, VocabMessages['type']> {
  return {
    'vocab/query': (msg) => vocabularyWorker().query(files(), msg.prefix, msg.limit),
    'vocab/categories': (msg) => vocabularyWorker().categories(files(), msg.tags),
  };
}

/** Ends the vocabulary worker (extension deactivation). */
export async function disposeVocabularyWorker(): Promise<void> {
  await worker?.dispose();
  worker = undefined;
}
