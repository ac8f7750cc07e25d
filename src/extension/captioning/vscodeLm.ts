/**
 * VS Code's language models (`vscode.lm`) as a captioning provider: a chat model that accepts images (Copilot's,
 * or any provider an extension registers), the image sent as a `LanguageModelDataPart`. Both are feature-detected
 * at run time (image parts are stable since VS Code 1.106; the extension supports 1.90), so older hosts and forks
 * simply do not offer it. VS Code asks the user's consent the first time; a refusal stops the run with a message.
 */
import * as vscode from 'vscode';
import { ProviderError, abortError, type CaptionProvider, type ProviderInput } from '../dataset/captioning/provider';
import { uploadImage } from '../dataset/captioning/openai/uploadImage';

// The 1.90 typings lack these; they are read from the running host and checked before use.
interface DataPartStatic {
  image(data: Uint8Array, mime: string): unknown;
}
interface LmChat {
  id: string;
  name: string;
  vendor: string;
  family: string;
  capabilities?: { supportsImageToText?: boolean };
  sendRequest(
    messages: unknown[],
    options: object,
    token: vscode.CancellationToken,
  ): Thenable<{ text: AsyncIterable<string> }>;
}
type TextPartCtor = new (value: string) => unknown;
interface LmApi {
  selectChatModels(selector?: { vendor?: string; family?: string; id?: string }): Thenable<LmChat[]>;
}

function api(): { lm: LmApi; DataPart: DataPartStatic; TextPart: TextPartCtor } | undefined {
  const v = vscode as unknown as {
    lm?: Partial<LmApi>;
    LanguageModelDataPart?: Partial<DataPartStatic>;
    LanguageModelTextPart?: TextPartCtor;
  };
  if (typeof v.lm?.selectChatModels !== 'function' || typeof v.LanguageModelDataPart?.image !== 'function')
    return undefined;
  if (typeof v.LanguageModelTextPart !== 'function') return undefined;
  return { lm: v.lm as LmApi, DataPart: v.LanguageModelDataPart as DataPartStatic, TextPart: v.LanguageModelTextPart };
}

/** True when this host can send images to its language models. */
export function languageModelsAvailable(): boolean {
  return api() !== undefined;
}

/** The chat models that accept images ([] on a host without the API). */
export async function imageModels(): Promise<{ id: string; label: string; detail: string }[]> {
  const a = api();
  if (!a) return [];
  const all = await a.lm.selectChatModels();
  return all
    .filter((m) => m.capabilities?.supportsImageToText !== false)
    .map((m) => ({ id: m.id, label: m.name, detail: `${m.vendor} · ${m.family}` }));
}

/** The provider for one model (its id, or a family or vendor name); throws when none accepts images. */
export async function languageModelProvider(model: string, justification: string): Promise<CaptionProvider> {
  const a = api();
  if (!a)
    throw new Error(
      `This VS Code (${vscode.version}) cannot send images to its language models: that needs VS Code 1.106 or later.`,
    );
  const all = await a.lm.selectChatModels();
  const fit = all.filter((m) => m.capabilities?.supportsImageToText !== false);
  const chosen = model
    ? (fit.find((m) => m.id === model) ?? fit.find((m) => m.family === model || m.vendor === model))
    : fit[0];
  if (!chosen) {
    const have = fit.map((m) => m.id).join(', ') || 'none';
    throw new Error(
      model
        ? `No language model "${model}" that accepts images is available (available: ${have}).`
        : 'No language model that accepts images is available. Sign in to GitHub Copilot, or install an extension that provides one.',
    );
  }
  return {
    id: 'vscode-lm',
    model: chosen.id,
    async run(input: ProviderInput, signal: AbortSignal) {
      if (signal.aborted) throw abortError(signal);
      let jpeg: Buffer;
      try {
        jpeg = (await uploadImage(input.image)).jpeg;
      } catch (err) {
        throw new ProviderError(`the image could not be read (${(err as Error).message})`);
      }
      const cts = new vscode.CancellationTokenSource();
      const onAbort = () => cts.cancel();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const text = [input.system, input.prompt].filter((s) => s.trim()).join('\n\n');
        const message = vscode.LanguageModelChatMessage.User([
          new a.TextPart(text),
          a.DataPart.image(jpeg, 'image/jpeg'),
        ] as never);
        const res = await chosen.sendRequest([message], { justification }, cts.token);
        let out = '';
        for await (const chunk of res.text) out += chunk;
        if (!out.trim()) throw new ProviderError(`${chosen.name} answered with an empty caption`, true);
        return { kind: 'caption' as const, text: out };
      } catch (err) {
        if (signal.aborted) throw abortError(signal);
        throw classify(err, chosen.name);
      } finally {
        signal.removeEventListener('abort', onAbort);
        cts.dispose();
      }
    },
    dispose: async () => undefined,
  };
}

function classify(err: unknown, name: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const code = (err as { code?: string }).code;
  const msg = err instanceof Error ? err.message : String(err);
  if (code === 'NoPermissions')
    return new ProviderError(
      `VS Code did not allow the use of ${name} (${msg}). Run the command again and allow it when VS Code asks.`,
      false,
      undefined,
      true,
    );
  if (code === 'NotFound') return new ProviderError(`${name} is no longer available (${msg}).`, false, undefined, true);
  if (code === 'Blocked') return new ProviderError(`${name} refused more requests for now (${msg})`, true, 30_000);
  return new ProviderError(`${name} failed: ${msg}`);
}
