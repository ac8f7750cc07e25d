/** Loads the `loraTagger.vocabularyFiles` once and keeps them while the list and the files are unchanged. */
import { stat } from 'node:fs/promises';
import { loadVocabulary, type Vocabulary } from '../../dataset/vocabulary/vocabulary';

let cached: { key: string; vocab: Promise<Vocabulary> } | undefined;

async function keyOf(files: string[]): Promise<string> {
  const parts = await Promise.all(
    files.map(async (f) => `${f}@${(await stat(f).catch(() => undefined))?.mtimeMs ?? 'missing'}`),
  );
  return parts.join('|');
}

/** The vocabulary for these files; problems (unreadable files, bad lines) are reported once per load. */
export async function getVocabulary(files: string[], onProblem: (problem: string) => void): Promise<Vocabulary> {
  const key = await keyOf(files);
  if (cached?.key !== key) {
    cached = {
      key,
      vocab: loadVocabulary(files).then(({ vocab, problems }) => {
        for (const p of problems) onProblem(p);
        return vocab;
      }),
    };
  }
  return cached.vocab;
}
