// One "VS Code window" on a dataset, in a process of its own, for the two-writer suite (twoWriters.test.ts): run with
// `node --import tsx window.ts <outputFolder>`; each line on stdin is a JSON command, answered by one JSON line.
import { createInterface } from 'node:readline';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { undoLastTagOperation } from '../../../../src/extension/dataset/tags/tagOperations';
import { pushUndoEntry } from '../../../../src/extension/dataset/tags/tagUndo';

type Command =
  | ['burst', prefix: string, n: number, files: string[]]
  | ['undoPairs', prefix: string, n: number]
  | ['caption', file: string, text: string]
  | ['favourite' | 'select', file: string]
  | ['pin', tag: string]
  | ['flush' | 'close'];

async function main(): Promise<void> {
  const { dataset } = await Dataset.open(process.argv[2]!, { saveDelayMs: 5 });
  const reply = (r: object) => process.stdout.write(JSON.stringify(r) + '\n');
  for await (const line of createInterface({ input: process.stdin })) {
    const c = JSON.parse(line) as Command;
    try {
      if (c[0] === 'burst') {
        // Saves one after another as a fast typist's pauses would, each caption with a tag of its own.
        const [, prefix, n, files] = c;
        const errors: string[] = [];
        for (let i = 0; i < n; i++) {
          const file = files[i % files.length]!;
          await dataset.setCaption(file, `ohwx, ${prefix}${i}`).catch((e: Error) => errors.push(e.message));
        }
        await dataset.flush().catch((e: Error) => errors.push(e.message));
        reply({ ok: true, errors });
        continue;
      }
      if (c[0] === 'undoPairs') {
        // A step recorded then undone, n times as fast as it goes: what each undo took back, in order.
        const [, prefix, n] = c;
        const undone: (string | null)[] = [];
        for (let i = 0; i < n; i++) {
          await pushUndoEntry(dataset.outputFolder, {
            label: `${prefix}${i}`,
            at: new Date().toISOString(),
            changes: [],
          });
          undone.push((await undoLastTagOperation(dataset)).label);
        }
        reply({ ok: true, undone });
        continue;
      }
      if (c[0] === 'caption') await dataset.setCaption(c[1], c[2]);
      else if (c[0] === 'favourite') dataset.setFlags(c[1], { favourite: true });
      else if (c[0] === 'select') dataset.select(c[1]);
      else if (c[0] === 'pin') dataset.setPinned(c[1], true);
      else if (c[0] === 'flush') await dataset.flush();
      else if (c[0] === 'close') {
        await dataset.close();
        reply({ ok: true });
        process.stdin.destroy();
        return;
      }
      reply({ ok: true });
    } catch (err) {
      reply({ ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`window: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
