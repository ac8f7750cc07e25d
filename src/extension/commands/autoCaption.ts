/**
 * `loraTagger.autoCaption` ("Caption Images with AI…"): from the palette, the panel or an output folder's Explorer
 * menu, it asks provider, images and write mode (replace names its count first), asks once before images leave
 * the machine for a host that is not this one, and starts the run in the background. The batch form
 * `executeCommand('loraTagger.autoCaption', outputFolderUri, { provider, scope, mode, ... })` asks nothing and
 * resolves with `{ captioned, suggested, skipped, failed: [{ file, error }] }` when the run ends.
 */
import * as vscode from 'vscode';
import { isTagged } from '../../shared/caption';
import { apiKey, defaultProvider, settingsOptions } from '../captioning/captioningSettings';
import type { CaptionRuns } from '../captioning/captionRuns';
import { imageModels, languageModelProvider, languageModelsAvailable } from '../captioning/vscodeLm';
import type { JobResult } from '../dataset/captioning/captionJob';
import { PRESETS } from '../dataset/captioning/prompts';
import type { ProviderId } from '../dataset/captioning/provider';
import {
  engineProvider,
  isLocalUrl,
  parseRunOptions,
  selectImages,
  type RunOptions,
} from '../dataset/captioning/runOptions';
import { undoRun } from '../dataset/captioning/runHistory';
import { Dataset } from '../dataset/session/dataset';
import { errorMessage, log } from '../log';
import type { PanelManager } from '../panel/panelManager';
import { isBatchCall, resolveOutputFolder } from './datasetTarget';

const ALLOWED_HOSTS_KEY = 'loraTagger.captioning.allowedHosts';
const TITLE = 'Caption Images with AI';

/** What the batch form resolves with. */
export interface AutoCaptionResult {
  captioned: number;
  suggested: number;
  skipped: number;
  failed: { file: string; error: string }[];
}

/** What the command needs from the extension. */
export interface AutoCaptionDeps {
  context: vscode.ExtensionContext;
  panels: PanelManager;
  runs: CaptionRuns;
}

/** The command. */
export async function autoCaption(
  deps: AutoCaptionDeps,
  arg?: unknown,
  extra?: unknown,
): Promise<AutoCaptionResult | undefined> {
  const batch = isBatchCall(arg, extra);
  const folder = await resolveOutputFolder(deps.panels, arg, TITLE);
  if (!folder) return undefined;
  try {
    const given = batch && typeof extra === 'object' && extra !== null ? (extra as Record<string, unknown>) : {};
    const o = batch ? parseRunOptions(withSettings(given)) : await ask(extra);
    if (!o) return undefined;
    const { files, sending } = await filesFor(deps, folder, o);
    if (!batch && !(await confirm(deps, o, sending))) return undefined;
    const provider =
      o.provider === 'vscode-lm'
        ? await languageModelProvider(
            o.model ?? '',
            'LoRA Dataset Tagger sends each image of your dataset to this model to caption it.',
          )
        : await engineProvider(o, {
            apiKey: await apiKey(deps.context.secrets),
            wdWorkerScript: workerScript(deps.context),
          });
    log().info(
      `${TITLE}: ${files.length} image(s) of ${folder} with ${o.provider} (${provider.model}), mode ${o.mode}`,
    );
    const run = await deps.runs.start(folder, o, provider, files, { interactive: !batch });
    const result = run.done.then((r) => report(deps, folder, r, batch));
    if (batch) return await result;
    void result.catch((err: unknown) => fail(`${TITLE} on ${folder} stopped: ${errorMessage(err)}`, false));
    return undefined;
  } catch (err) {
    return fail(`${TITLE} on ${folder}: ${errorMessage(err)}`, batch);
  }
}

/** Continues the recorded unfinished run of a dataset (after a window reload); nothing when there is none. */
export async function resumeRecorded(deps: AutoCaptionDeps, folder: string, ds: Dataset): Promise<void> {
  const q = ds.session.captioning;
  if (!q || q.pending.length === 0 || deps.runs.get(folder)) return;
  try {
    const o = parseRunOptions({ ...q.options, provider: q.provider, mode: q.mode });
    const provider =
      o.provider === 'vscode-lm'
        ? await languageModelProvider(
            o.model ?? '',
            'LoRA Dataset Tagger continues captioning your images with this model.',
          )
        : await engineProvider(o, {
            apiKey: await apiKey(deps.context.secrets),
            wdWorkerScript: workerScript(deps.context),
          });
    log().info(`${TITLE}: resuming the unfinished run on ${folder} (${q.pending.length} image(s) left)`);
    const run = await deps.runs.start(folder, o, provider, [], { interactive: true, resume: q });
    void run.done.then(
      (r) => report(deps, folder, r, false),
      (err: unknown) => fail(`${TITLE}: ${errorMessage(err)}`, false),
    );
  } catch (err) {
    void fail(`Could not resume the captioning run on ${folder}: ${errorMessage(err)}`, false);
  }
}

function withSettings(given: Record<string, unknown>): Record<string, unknown> {
  const provider = (typeof given.provider === 'string' ? given.provider : defaultProvider()) as ProviderId;
  const base = settingsOptions(provider);
  // The batch caller's options win; the settings fill only what it left out and that this provider takes.
  return { ...base, ...given, provider };
}

function workerScript(context: vscode.ExtensionContext): string {
  return vscode.Uri.joinPath(context.extensionUri, 'dist', 'wdWorker.js').fsPath;
}

/** The run's images, and how many of them will be sent (fill-empty skips a captioned one without sending it). */
async function filesFor(
  deps: AutoCaptionDeps,
  folder: string,
  o: RunOptions,
): Promise<{ files: string[]; sending: number }> {
  const count = (ds: Dataset) => {
    const files = selectImages(ds, o.scope);
    const empty = (f: string) => !isTagged(ds.caption(f), ds.session.triggerWord);
    return { files, sending: o.mode === 'fill-empty' ? files.filter(empty).length : files.length };
  };
  const panel = deps.panels.get(folder);
  if (panel) return count(panel.dataset);
  const { dataset } = await Dataset.open(folder);
  try {
    return count(dataset);
  } finally {
    await dataset.close();
  }
}

/** The interactive questions; undefined when the user pressed Esc. */
async function ask(extra: unknown): Promise<RunOptions | undefined> {
  const given = typeof extra === 'object' && extra !== null ? (extra as { scope?: unknown }).scope : undefined;
  // The panel's "Caption the N selected/filtered images" already chose the images: asked again, that is one question too many.
  const chosen = Array.isArray(given) && given.length > 0 && given.every((f) => typeof f === 'string');
  const fromPanel = chosen ? (given as string[]) : undefined;
  const steps = fromPanel ? 2 : 3;
  const providers: { label: string; description: string; id: ProviderId }[] = [
    {
      label: 'OpenAI-compatible server',
      description: 'Ollama, LM Studio, vLLM, llama.cpp, OpenRouter, OpenAI…',
      id: 'openai',
    },
    { label: 'Local WD tagger', description: 'booru tags from a WD model folder, on this machine', id: 'wd-tagger' },
  ];
  if (languageModelsAvailable())
    providers.push({
      label: 'VS Code language model',
      description: 'Copilot or another installed provider',
      id: 'vscode-lm',
    });
  const first = defaultProvider();
  providers.sort((a, b) => (a.id === first ? -1 : b.id === first ? 1 : 0));
  const p = await vscode.window.showQuickPick(providers, {
    title: `${TITLE} (1/${steps}): provider`,
    // Every step stays open when the focus moves (as Start LoRA Tagging's do): from the panel's menu, the focus
    // going back to the webview as one pick closes could dismiss the next one before anyone saw it.
    ignoreFocusOut: true,
  });
  if (!p) return undefined;
  const base = settingsOptions(p.id);
  if (p.id === 'wd-tagger' && !base.modelFolder) {
    const pick = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      title: 'The WD model folder (model.onnx and selected_tags.csv)',
    });
    if (!pick?.[0]) return undefined;
    base.modelFolder = pick[0].fsPath;
    await vscode.workspace
      .getConfiguration('loraTagger.captioning')
      .update('wdTagger.modelFolder', base.modelFolder, vscode.ConfigurationTarget.Global);
  }
  if (p.id === 'openai' && !base.model) {
    const model = await vscode.window.showInputBox({
      title: 'The model name on the server',
      prompt: 'e.g. qwen2.5vl:7b (Ollama), or the model id LM Studio or vLLM shows',
      ignoreFocusOut: true,
    });
    if (!model) return undefined;
    base.model = model;
    await vscode.workspace
      .getConfiguration('loraTagger.captioning')
      .update('openai.model', model, vscode.ConfigurationTarget.Global);
  }
  if (p.id === 'vscode-lm') {
    const models = await imageModels();
    if (models.length === 0)
      throw new Error(
        'No VS Code language model that accepts images is available. Sign in to GitHub Copilot, or install an extension that provides one.',
      );
    const m =
      models.length === 1
        ? models[0]
        : await vscode.window.showQuickPick(models, { title: `${TITLE}: model`, ignoreFocusOut: true });
    if (!m) return undefined;
    base.model = m.id;
  }
  if (p.id !== 'wd-tagger') {
    const presets = [
      ...PRESETS.map((x) => ({ label: x.label, id: x.id })),
      { label: 'My own prompt (loraTagger.captioning.prompt)', id: String(base.prompt) },
    ];
    const pr = await vscode.window.showQuickPick(presets, { title: `${TITLE}: prompt`, ignoreFocusOut: true });
    if (!pr) return undefined;
    base.prompt = pr.id;
  }
  let scope: RunOptions['scope'];
  if (fromPanel) scope = fromPanel;
  else {
    const scopes: { label: string; scope: RunOptions['scope'] }[] = [
      { label: 'Images without a caption', scope: 'untagged' },
      { label: 'The current image', scope: 'current' },
      { label: 'All images', scope: 'all' },
    ];
    const sc = await vscode.window.showQuickPick(scopes, {
      title: `${TITLE} (2/3): which images`,
      ignoreFocusOut: true,
    });
    if (!sc) return undefined;
    scope = sc.scope;
  }
  const modes = [
    { label: 'Fill empty captions only', mode: 'fill-empty' },
    { label: 'Suggest: review each result beside the caption', mode: 'suggest' },
    { label: 'Append to the captions', mode: 'append' },
    { label: 'Replace the captions', mode: 'replace' },
  ];
  const md = await vscode.window.showQuickPick(modes, {
    title: `${TITLE} (${steps}/${steps}): write mode`,
    ignoreFocusOut: true,
  });
  if (!md) return undefined;
  return parseRunOptions({ ...base, scope, mode: md.mode });
}

/** Replace asks first; a host that is not this machine asks once, naming it and the images about to leave. */
async function confirm(deps: AutoCaptionDeps, o: RunOptions, count: number): Promise<boolean> {
  if (count === 0) {
    void vscode.window.showInformationMessage(
      `${TITLE}: no image matches (every image in this choice already has a caption, or is skipped).`,
    );
    return false;
  }
  if (o.mode === 'replace') {
    const go = await vscode.window.showWarningMessage(
      `Replace the captions of ${count} image(s) with AI captions? You can undo the run.`,
      { modal: true },
      'Replace',
    );
    if (go !== 'Replace') return false;
  }
  if (o.provider !== 'openai') return true;
  const urls = Array.isArray(o.baseUrl) ? o.baseUrl : [o.baseUrl!];
  const allowed = deps.context.globalState.get<string[]>(ALLOWED_HOSTS_KEY, []);
  for (const url of urls) {
    if (isLocalUrl(url)) continue;
    const host = new URL(url).host;
    if (allowed.includes(host)) continue;
    const go = await vscode.window.showWarningMessage(
      `${count} image(s) of your dataset are about to be sent to ${host}, which is not this machine. Send them?`,
      {
        modal: true,
        detail:
          'You are asked once per host. Use a local server (Ollama, LM Studio, vLLM on 127.0.0.1) to keep them here.',
      },
      'Send',
    );
    if (go !== 'Send') return false;
    allowed.push(host);
    await deps.context.globalState.update(ALLOWED_HOSTS_KEY, allowed);
  }
  return true;
}

async function report(deps: AutoCaptionDeps, folder: string, r: JobResult, batch: boolean): Promise<AutoCaptionResult> {
  const out = { captioned: r.captioned, suggested: r.suggested, skipped: r.skipped, failed: r.failed };
  const text = `Captioned ${r.captioned}, suggested ${r.suggested}, skipped ${r.skipped}, failed ${r.failed.length}${r.stopped ? ' (stopped)' : ''}.`;
  log().info(`${TITLE} on ${folder}: ${text}`);
  if (batch) return out;
  const actions = r.captioned > 0 ? ['Undo'] : [];
  if (r.failed.length) actions.push('Show Failures');
  const pick = await (r.failed.length
    ? vscode.window.showWarningMessage(text, ...actions)
    : vscode.window.showInformationMessage(text, ...actions));
  if (pick === 'Show Failures') log().show(true);
  if (pick === 'Undo') await undoCommand(deps, folder, r.run);
  return out;
}

async function undoCommand(deps: AutoCaptionDeps, folder: string, run: string): Promise<void> {
  const panel = deps.panels.get(folder);
  const own = panel ? undefined : (await Dataset.open(folder)).dataset;
  const ds = panel?.dataset ?? own!;
  try {
    const u = await undoRun(ds, run, panel ? (f, t) => panel.writeCaption(f, t) : undefined);
    if (!u)
      void vscode.window.showInformationMessage(
        'The run is no longer the newest change in the undo history, so it was not undone; use "Undo Last Dataset-Wide Tag Operation".',
      );
    else
      void vscode.window.showInformationMessage(
        `Undid ${u.label}: ${u.restored.length} caption(s) restored${u.skipped.length ? `, ${u.skipped.length} edited since left as they are` : ''}.`,
      );
  } finally {
    panel?.reload();
    await own?.close();
  }
}

function fail(message: string, batch: boolean): undefined {
  log().error(message);
  if (batch) throw new Error(message);
  void vscode.window.showErrorMessage(message);
  return undefined;
}
