/**
 * The captioning settings (`loraTagger.captioning.*`) as run options, and the API key in VS Code's SecretStorage.
 * The endpoint, model and model-folder settings are declared `machine`/`application` scope in package.json, and
 * are read here from the user's settings only, so a workspace someone sent cannot redirect the user's images.
 */
import * as vscode from 'vscode';
import type { ProviderId } from '../dataset/captioning/provider';

const SECRET_KEY = 'loraTagger.captioning.apiKey';

/** Settings only the user (or the remote machine) may set: never taken from a workspace. */
const USER_ONLY = ['openai.baseUrls', 'openai.model', 'wdTagger.modelFolder', 'vscodeLm.model'];

function userValue<T>(c: vscode.WorkspaceConfiguration, key: string, fallback: T): T {
  const i = c.inspect<T>(key);
  if (!USER_ONLY.includes(key)) return c.get<T>(key, fallback);
  return (i?.globalValue ?? i?.defaultValue ?? fallback) as T;
}

/** The run options the settings give for a provider (the batch form's arguments override them). */
export function settingsOptions(provider: ProviderId): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration('loraTagger.captioning');
  const common = {
    provider,
    prompt: c.get<string>('prompt', 'flux-natural') || 'flux-natural',
    system: c.get<string>('systemPrompt', ''),
    filters: c.get<string[]>('filters', []),
  };
  if (provider === 'wd-tagger') {
    const folder = userValue<string>(c, 'wdTagger.modelFolder', '');
    return {
      ...common,
      ...(folder ? { modelFolder: folder } : {}),
      generalThreshold: c.get<number>('wdTagger.generalThreshold', 0.35),
      characterThreshold: c.get<number>('wdTagger.characterThreshold', 0.85),
      maxTags: c.get<number>('wdTagger.maxTags', 50),
      ratings: c.get<string>('wdTagger.ratings', 'drop'),
      exclude: c.get<string[]>('wdTagger.exclude', []),
    };
  }
  if (provider === 'openai') {
    const model = userValue<string>(c, 'openai.model', '');
    return {
      ...common,
      baseUrl: userValue<string[]>(c, 'openai.baseUrls', ['http://127.0.0.1:11434/v1']),
      ...(model ? { model } : {}),
      maxTokens: c.get<number>('openai.maxTokens', 300),
      temperature: c.get<number>('openai.temperature', 0.2),
      timeoutMs: c.get<number>('openai.timeoutMs', 120000),
      concurrency: c.get<number>('openai.concurrency', 4),
      stream: c.get<boolean>('openai.stream', false),
    };
  }
  const model = userValue<string>(c, 'vscodeLm.model', '');
  return { ...common, ...(model ? { model } : {}) };
}

/** The provider offered first. */
export function defaultProvider(): ProviderId {
  const p = vscode.workspace.getConfiguration('loraTagger.captioning').get<string>('provider', 'openai');
  return p === 'wd-tagger' || p === 'vscode-lm' ? p : 'openai';
}

/** The API key for OpenAI-compatible endpoints, from SecretStorage (undefined when none is set). */
export async function apiKey(secrets: vscode.SecretStorage): Promise<string | undefined> {
  return (await secrets.get(SECRET_KEY)) || undefined;
}

/** Asks for the API key and stores it in SecretStorage (never in settings or logs). */
export async function setApiKey(secrets: vscode.SecretStorage): Promise<void> {
  const key = await vscode.window.showInputBox({
    title: 'API key for AI captioning',
    prompt:
      'Sent as "Authorization: Bearer <key>" to the OpenAI-compatible endpoints. Kept in VS Code\'s secret storage.',
    password: true,
    ignoreFocusOut: true,
  });
  if (key === undefined) return;
  if (!key.trim()) return clearApiKey(secrets);
  await secrets.store(SECRET_KEY, key.trim());
  void vscode.window.showInformationMessage("The API key for AI captioning is saved in VS Code's secret storage.");
}

/** Removes the stored API key. */
export async function clearApiKey(secrets: vscode.SecretStorage): Promise<void> {
  await secrets.delete(SECRET_KEY);
  void vscode.window.showInformationMessage('The API key for AI captioning is removed.');
}
