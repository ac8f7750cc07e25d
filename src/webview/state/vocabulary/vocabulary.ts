/** Autocomplete from the host's vocabulary files (the dataset's own tags are matched in the webview). */
import type { VocabSuggestion } from '../../../shared/model';
import type { HostLink } from '../core';

/** How long autocomplete waits for the host before it goes on with the dataset's own tags. */
const VOCAB_TIMEOUT_MS = 3000;

/** Vocabulary suggestions for a prefix; [] on any failure, since autocomplete is best effort. */
export async function queryVocabulary(host: HostLink, prefix: string, limit = 20): Promise<VocabSuggestion[]> {
  try {
    // The reply is checked against the protocol's result schema for vocab/query by the RpcEndpoint.
    return await host.request({ type: 'vocab/query', prefix, limit }, VOCAB_TIMEOUT_MS);
  } catch {
    return [];
  }
}
