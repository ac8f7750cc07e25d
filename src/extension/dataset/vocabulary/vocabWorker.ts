/** Worker thread of the vocabulary: loads the CSVs and answers autocomplete queries off the host's main thread. */
import { parentPort } from 'node:worker_threads';
import { loadVocabulary, type Vocabulary } from './vocabulary';
import type { VocabReply, VocabRequest } from './vocabWorkerClient';

let vocab: Vocabulary | undefined;

async function answer(req: VocabRequest): Promise<VocabReply> {
  switch (req.kind) {
    case 'load': {
      vocab = undefined;
      const loaded = await loadVocabulary(req.files);
      vocab = loaded.vocab;
      return { id: req.id, ok: true, size: vocab.size, problems: loaded.problems };
    }
    case 'query':
      return { id: req.id, ok: true, suggestions: vocab?.query(req.query, req.limit) ?? [] };
    case 'categories': {
      const categories: Record<string, string> = {};
      for (const tag of req.tags) {
        const c = vocab?.categoryOf(tag);
        if (c) categories[tag] = c;
      }
      return { id: req.id, ok: true, categories };
    }
  }
}

parentPort?.on('message', (req: VocabRequest) => {
  answer(req).then(
    (reply) => parentPort!.postMessage(reply),
    (err: unknown) =>
      parentPort!.postMessage({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
