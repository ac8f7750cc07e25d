/**
 * A person's answer to a machine suggestion: accept (the suggestion becomes the caption), merge (the caption keeps
 * its text and gains what the suggestion adds: its new tags, or its prose as a further sentence) or reject. An
 * accepted or merged caption joins its run's entry in the undo history, so undoing the run takes it back too (unless
 * it was edited since), and is recorded as machine-written and reviewed.
 */
import { addTags, isTagged, parseTags } from '../../../shared/caption';
import type { Dataset } from '../session/dataset';
import type { CaptionWriter } from '../tags/tagOperations';
import { captionHash, isUnreviewed } from './provenance';
import { recordRunChanges, runLabel } from './runHistory';

/** What the person chose. */
export type SuggestionAnswer = 'accept' | 'merge' | 'reject';

/** The caption a merge makes: tag style gains the new tags, natural style the suggestion's prose after its own. */
export function mergedText(current: string, suggestion: string, style: 'tags' | 'natural', trigger: string): string {
  if (!isTagged(current, trigger)) return suggestion;
  if (style === 'tags') return addTags(current, parseTags(suggestion), style, trigger);
  const t = trigger.trim().toLowerCase();
  const body = suggestion.toLowerCase().startsWith(`${t}, `) && t ? suggestion.slice(t.length + 2) : suggestion;
  if (current.includes(body)) return current;
  const head = current.replace(/\s+$/, '');
  return `${head}${/[.!?]$/.test(head) ? ' ' : '. '}${body}`;
}

/** Applies the answer to one image's suggestion; returns the caption now on disk. Throws when there is none. */
export async function resolveSuggestion(
  ds: Dataset,
  file: string,
  answer: SuggestionAnswer,
  write?: CaptionWriter,
): Promise<string> {
  const rec = ds.session.images.find((i) => i.file === file);
  const s = rec?.suggestion;
  if (!rec || !s)
    throw new Error(`${file} has no machine suggestion to ${answer} (it may have been answered already).`);
  if (answer === 'reject') {
    ds.setImageExtra('suggestion', file, undefined);
    return ds.caption(file);
  }
  const current = ds.caption(file);
  const text =
    answer === 'accept' ? s.text : mergedText(current, s.text, ds.session.captionStyle, ds.session.triggerWord);
  if (text !== current) {
    await recordRunChanges(ds.outputFolder, { at: s.run, label: runLabel(s.provider, s.model) }, [
      { file, before: current, after: text },
    ]);
    await (write ?? ((f: string, t: string) => ds.setCaption(f, t)))(file, text);
  }
  const written = ds.caption(file);
  ds.setImageExtra('machine', file, {
    provider: s.provider,
    model: s.model,
    preset: s.preset,
    at: new Date().toISOString(),
    hash: captionHash(written),
    run: s.run,
    reviewed: 'accepted',
  });
  ds.setImageExtra('suggestion', file, undefined);
  return written;
}

/** Marks a machine caption as looked at without changing it. */
export function markReviewed(ds: Dataset, file: string): void {
  const rec = ds.session.images.find((i) => i.file === file);
  if (!rec?.machine || rec.machine.reviewed) return;
  ds.setImageExtra('machine', file, { ...rec.machine, reviewed: 'accepted' });
}

/** The images whose caption the machine wrote and nobody has reviewed yet (the panel's filter, the report, export). */
export function unreviewedImages(ds: Dataset): string[] {
  return ds.session.images
    .filter((i) => i.status !== 'skipped' && isUnreviewed(i.machine, ds.caption(i.file)))
    .map((i) => i.file);
}

/** The images with a suggestion waiting. */
export function suggestedImages(ds: Dataset): string[] {
  return ds.session.images.filter((i) => i.suggestion).map((i) => i.file);
}
