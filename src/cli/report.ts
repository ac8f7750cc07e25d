/** `lora-tagger report <outputFolder>`: the dataset report of the panel's Report page, as Markdown (or JSON). */
import { buildReport, reportToMarkdown } from '../shared/report';
import { isUnreviewed } from '../extension/dataset/captioning/provenance';
import type { CommandSpec } from './args';
import { EXIT, outputFolderArg, withDataset, type Command } from './command';

const spec: CommandSpec = {
  name: 'report',
  summary: 'Print the dataset report as Markdown: counts, top tags, resolutions, aspect ratios, caption lengths.',
  details: ['With --json, the report object itself (see "Command line" in the README).'],
  positionals: [{ name: 'outputFolder', help: 'the output folder of a tagging session (it holds session.json)' }],
  flags: [],
};

/** The report command. */
export const reportCommand: Command = {
  spec,
  async run(args, ctx) {
    const folder = await outputFolderArg(args, spec, ctx);
    const report = await withDataset(folder, ctx.out, async (ds) =>
      buildReport({
        images: ds.session.images.map((i) => {
          const caption = ds.caption(i.file);
          return { ...i, caption, machine: isUnreviewed(i.machine, caption) };
        }),
        triggerWord: ds.session.triggerWord,
        captionStyle: ds.session.captionStyle,
        exportTarget: ds.session.exportTarget,
      }),
    );
    ctx.out.document(report);
    ctx.out.line(reportToMarkdown(report).replace(/\n+$/, ''));
    return EXIT.ok;
  },
};
