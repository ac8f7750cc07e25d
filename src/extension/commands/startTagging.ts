/**
 * "Start LoRA Tagging": stage a folder of images into `output/` and open the tagging panel.
 * Interactive from the Explorer or the palette; non-interactive (batch) when an options object is passed:
 * `executeCommand('loraTagger.startTagging', folderUri, { prefix, triggerWord, … })` asks nothing and returns
 * `{ outputFolder, sessionFile, total, staged, skipped }`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CaptionStyle } from '../../shared/model';
import { stageDataset, type StageResult } from '../dataset/staging/stage';
import { defaultPrefix } from '../dataset/staging/naming';
import { sessionExists } from '../dataset/session/sessionFile';
import { validateStageOptions, type StageOptions } from '../dataset/staging/options';
import { errorMessage, log } from '../log';
import type { PanelManager } from '../panel/panelManager';
import { readSettings } from '../settings';
import { lostSessionImages } from '../dataset/session/rebuild';
import { rebuildSession } from './resumeTagging';
import { withCancellableProgress } from './progress';
import type { Decoder } from '../dataset/images/decodePool';

/** What the command returns (absolute paths). */
export interface StartResult {
  outputFolder: string;
  sessionFile: string;
  total: number;
  staged: number;
  skipped: { file: string; reason: string }[];
}

const LAST_ANSWERS_KEY = 'loraTagger.lastStartAnswers';
type Answers = { prefix?: string; triggerWord?: string; captionStyle?: CaptionStyle };

/** Thrown when the user presses Esc at a prompt: nothing was written. */
class Cancelled extends Error {}

/** The command handler. */
export async function startTagging(
  context: vscode.ExtensionContext,
  panels: PanelManager,
  folderArg?: unknown,
  rawOptions?: unknown,
  decoder?: Decoder,
): Promise<StartResult | undefined> {
  // From the Explorer's context menu the second argument is the array of selected resources, not options.
  if (Array.isArray(rawOptions)) rawOptions = undefined;
  const batch = rawOptions !== undefined && rawOptions !== null;
  try {
    const { openPanel, options } = parseBatchOptions(rawOptions);
    const folder = await resolveFolder(folderArg, batch);
    if (await sessionExists(folder)) {
      // The folder is itself a dataset's output folder: staging it again would copy the staged images into a
      // nested output. Resume it instead (interactive), or say what to pass (batch).
      if (batch)
        throw new Error(
          `${folder} is the output folder of a tagging session, not a folder of source images. Pass its parent folder, or use loraTagger.resumeTagging on it. Nothing was written.`,
        );
      void vscode.window.showInformationMessage(
        `${path.basename(folder)} already holds a tagging session: resuming it.`,
      );
      await panels.open(folder);
      return undefined;
    }
    const lostHere = batch ? 0 : await lostSessionImages(folder);
    if (lostHere > 0 && (await askRebuildHere(folder, lostHere))) {
      await rebuildSession(folder);
      await panels.open(folder);
      return undefined;
    }
    const settings = readSettings(vscode.Uri.file(folder));
    const outputFolder = path.resolve(folder, options.outputFolder ?? settings.outputFolder);
    const exists = await sessionExists(outputFolder);
    const lost = exists ? 0 : await lostSessionImages(outputFolder);
    const onExisting =
      options.onExisting ?? ((exists || lost > 0) && !batch ? await askOnExisting(outputFolder, lost) : 'resume');
    // A dataset whose session files are gone is rebuilt when the user picked a choice that keeps it.
    const rebuild = options.rebuild ?? (lost > 0 && !batch && onExisting !== 'restart');
    const needsAnswers = (!exists && !rebuild) || onExisting === 'restart';
    const answers = needsAnswers && !batch ? await askAnswers(context, folder, settings.captionStyle) : {};
    const full: StageOptions = {
      prefix: options.prefix ?? answers.prefix ?? defaultPrefix(path.basename(folder)),
      triggerWord: options.triggerWord ?? answers.triggerWord ?? '',
      captionStyle: options.captionStyle ?? answers.captionStyle ?? settings.captionStyle,
      outputFolder,
      includeSubfolders: options.includeSubfolders ?? settings.includeSubfolders,
      mode: options.mode ?? settings.stagingMode,
      onExisting,
      extensions: options.extensions ?? settings.imageExtensions,
      convert: options.convert ?? settings.convertOnStage,
      ...(rebuild ? { rebuild } : {}),
    };
    const result = await runStaging(folder, full, decoder);
    report(folder, result, full.convert === 'off');
    if (openPanel) await panels.open(result.outputFolder);
    return {
      outputFolder: result.outputFolder,
      sessionFile: result.sessionFile,
      total: result.total,
      staged: result.staged,
      skipped: result.skipped,
    };
  } catch (err) {
    if (err instanceof Cancelled) return undefined;
    const message = errorMessage(err);
    log().error(message);
    if (batch) throw err instanceof Error ? err : new Error(message);
    void vscode.window.showErrorMessage(message, 'Show Log').then((c) => c && log().show());
    return undefined;
  }
}

function parseBatchOptions(raw: unknown): { openPanel: boolean; options: Partial<StageOptions> } {
  if (raw === undefined || raw === null) return { openPanel: true, options: {} };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error(
      'Start LoRA Tagging: the options must be an object such as { prefix: "ohwx", triggerWord: "ohwx" }. Nothing was written.',
    );
  }
  const { openPanel, ...rest } = raw as Record<string, unknown>;
  if (openPanel !== undefined && typeof openPanel !== 'boolean') {
    throw new Error('Start LoRA Tagging: options.openPanel must be true or false. Nothing was written.');
  }
  return { openPanel: openPanel ?? true, options: validateStageOptions(rest) };
}

async function resolveFolder(arg: unknown, batch: boolean): Promise<string> {
  let uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.file(arg) : undefined;
  if (!uri) {
    if (batch)
      throw new Error(
        'Start LoRA Tagging: pass the folder of images as the first argument (a Uri). Nothing was written.',
      );
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel: 'Start LoRA Tagging',
      title: 'Choose the folder of training images',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    if (!picked?.[0]) throw new Cancelled();
    uri = picked[0];
  }
  if (uri.scheme !== 'file')
    throw new Error(`Start LoRA Tagging works on folders on disk; ${uri.toString()} is not one.`);
  const stat = await vscode.workspace.fs.stat(uri).then(
    (s) => s,
    () => undefined,
  );
  if (!stat || !(stat.type & vscode.FileType.Directory)) {
    throw new Error(
      `Start LoRA Tagging needs a folder, and ${uri.fsPath} is not a folder that exists. Right-click a folder of images in the Explorer.`,
    );
  }
  return uri.fsPath;
}

async function askOnExisting(outputFolder: string, lost: number): Promise<StageOptions['onExisting']> {
  const aside = {
    label: '$(history) Start over',
    description: `Rename ${path.basename(outputFolder)} aside as a ` + `backup and stage again (nothing is deleted)`,
    value: 'restart' as const,
  };
  const items: (vscode.QuickPickItem & { value: StageOptions['onExisting'] })[] = lost
    ? [
        {
          label: '$(wrench) Rebuild the session',
          description:
            `From the ${lost} staged images and their ` + `captions; favourite/NSFW marks cannot be recovered`,
          value: 'resume',
        },
        {
          label: '$(add) Rebuild, then add new images',
          description: 'Rebuild it, then stage only images not yet ' + 'in it, numbered after the last',
          value: 'add',
        },
        aside,
      ]
    : [
        { label: '$(debug-continue) Resume', description: 'Go back to where you left off', value: 'resume' },
        {
          label: '$(add) Add new images',
          description: 'Stage only images not yet in the session, numbered ' + 'after the last',
          value: 'add',
        },
        aside,
      ];
  const title = lost
    ? `${outputFolder} holds ${lost} staged images, but its session.json and session.json.bak are both gone`
    : `A tagging session already exists in ${outputFolder}`;
  const pick = await vscode.window.showQuickPick(items, { title, ignoreFocusOut: true });
  if (!pick) throw new Cancelled();
  return pick.value;
}

/** The folder itself looks like a dataset whose session is gone: rebuild it there (true), or stage it anew (false). */
async function askRebuildHere(folder: string, lost: number): Promise<boolean> {
  const items = [
    {
      label: '$(wrench) Rebuild its session here',
      description:
        `It looks like a dataset whose session.json and ` + `.bak are gone (${lost} staged images with captions)`,
      rebuild: true,
    },
    {
      label: '$(add) Stage it as a new dataset',
      description: 'Copy its images (and their captions) into the ' + 'output subfolder, as for any folder of images',
      rebuild: false,
    },
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: `${path.basename(folder)} has staged images and ` + `captions but no session`,
    ignoreFocusOut: true,
  });
  if (!pick) throw new Cancelled();
  return pick.rebuild;
}

async function askAnswers(
  context: vscode.ExtensionContext,
  folder: string,
  defaultStyle: CaptionStyle,
): Promise<Answers> {
  const last = context.globalState.get<Answers>(LAST_ANSWERS_KEY, {});
  const prefix = await vscode.window.showInputBox({
    title: 'Start LoRA Tagging (1/3): file-name prefix',
    prompt: 'Images are copied as <prefix>_0001.png, <prefix>_0002.jpg, …',
    value: last.prefix ?? defaultPrefix(path.basename(folder)),
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        validateStageOptions({ prefix: v });
        return undefined;
      } catch (err) {
        return errorMessage(err);
      }
    },
  });
  if (prefix === undefined) throw new Cancelled();
  const triggerWord = await vscode.window.showInputBox({
    title: 'Start LoRA Tagging (2/3): trigger word (optional)',
    prompt: 'Written first in every caption, e.g. "ohwx". Leave empty for none.',
    value: last.triggerWord ?? '',
    ignoreFocusOut: true,
  });
  if (triggerWord === undefined) throw new Cancelled();
  const styles: (vscode.QuickPickItem & { value: CaptionStyle })[] = [
    {
      label: 'Natural language',
      description: 'Prose, saved exactly as typed (recommended for Flux)',
      value: 'natural',
    },
    { label: 'Tags', description: 'Comma-separated tags: trigger, tag1, tag2', value: 'tags' },
  ];
  const preferred = last.captionStyle ?? defaultStyle;
  styles.sort((a, b) => (a.value === preferred ? -1 : b.value === preferred ? 1 : 0));
  const style = await vscode.window.showQuickPick(styles, {
    title: 'Start LoRA Tagging (3/3): caption style',
    ignoreFocusOut: true,
  });
  if (!style) throw new Cancelled();
  const answers = { prefix: prefix.trim(), triggerWord: triggerWord.trim(), captionStyle: style.value };
  await context.globalState.update(LAST_ANSWERS_KEY, answers);
  return answers;
}

function runStaging(folder: string, options: StageOptions, decoder: Decoder | undefined): Thenable<StageResult> {
  return withCancellableProgress(`Staging images from ${path.basename(folder)}`, (onProgress, signal) =>
    stageDataset(folder, options, { signal, onProgress, decoder }),
  );
}

function report(folder: string, result: StageResult, conversionOff: boolean): void {
  const out = log();
  out.info(`Staged ${result.staged} of ${result.total} images from ${folder} into ${result.outputFolder}`);
  for (const n of result.notices) out.info(n);
  for (const s of result.skipped) out.warn(`Skipped ${s.file}: ${s.reason}`);
  const skipped = result.skipped.length ? ` ${result.skipped.length} file(s) were skipped.` : '';
  const msg = `LoRA Tagging: ${result.total} images ready in ${path.basename(result.outputFolder)}.${skipped}`;
  // BMP, GIF, TIFF, AVIF and HEIC were skipped because conversion is off: offer to turn it on.
  const convertible = conversionOff
    ? result.skipped.filter((s) => /let Start convert it|Start can do it for you/.test(s.reason)).length
    : 0;
  if (convertible) {
    const turnOn = 'Convert Them to PNG';
    void vscode.window
      .showWarningMessage(`${msg} ${convertible} of them can be converted to PNG.`, turnOn, 'Show Details')
      .then(async (c) => {
        if (c === 'Show Details') return out.show();
        if (c !== turnOn) return;
        await vscode.workspace
          .getConfiguration('loraTagger', vscode.Uri.file(folder))
          .update('convertOnStage', 'png', vscode.ConfigurationTarget.Global);
        void vscode.window.showInformationMessage(
          'Conversion to PNG is on (setting "Convert on Stage"). Run Start LoRA Tagging on the folder again and choose "Add new images" to stage them; the originals are only read.',
        );
      });
  } else if (result.skipped.length || result.notices.length) {
    void vscode.window.showWarningMessage(msg, 'Show Details').then((c) => c && out.show());
  } else {
    void vscode.window.showInformationMessage(msg);
  }
}
