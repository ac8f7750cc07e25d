/**
 * The OpenAI-compatible chat completions provider: what Ollama, LM Studio, vLLM, llama.cpp's server, OpenRouter,
 * OpenAI and Gemini's OpenAI endpoint all speak. One POST `<baseUrl>/chat/completions` per image with the prompt
 * and an `image_url` part carrying the downscaled image as a data URL; optionally streamed (server-sent events).
 * Several base URLs are used round-robin. Failures are classified for the job queue: 429 (with Retry-After), 5xx
 * and dropped connections may be retried, a refused key or an unknown model stops the run, anything else fails
 * only its image. The API key goes in the Authorization header and nowhere else (never into a message or a log).
 */
import { z } from 'zod';
import { abortError, ProviderError, type CaptionProvider, type ProviderInput, type ProviderResult } from '../provider';
import { uploadImage, UPLOAD_LONG_SIDE } from './uploadImage';

/** Options of the provider. */
export interface OpenAiOptions {
  /** One or more base URLs such as `http://127.0.0.1:11434/v1`, used round-robin. */
  baseUrls: readonly string[];
  model: string;
  apiKey?: string;
  /** Default 300. */
  maxTokens?: number;
  /** Default 0.2. */
  temperature?: number;
  /** Per request, default 120000. */
  timeoutMs?: number;
  /** Ask for a streamed answer (server-sent events). */
  stream?: boolean;
  /** Long side of the image sent, default 1024. */
  longSide?: number;
  /** What the answer should be read as. */
  output: 'caption' | 'tags';
}

const Content = z.union([
  z.string(),
  z.array(z.object({ type: z.string(), text: z.string().optional() }).passthrough()),
]);
const Completion = z.object({
  choices: z
    .array(z.object({ message: z.object({ content: Content.nullable().optional() }).passthrough() }).passthrough())
    .min(1),
});
const Chunk = z.object({
  choices: z.array(
    z.object({ delta: z.object({ content: z.string().nullable().optional() }).passthrough().optional() }).passthrough(),
  ),
});

/** The chat completions URL for a base URL (which may already end in /chat/completions). */
export function completionsUrl(base: string): string {
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    throw new Error(
      `"${base}" is not a URL. Give the server's OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1 for Ollama.`,
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`"${base}" is not an http(s) URL.`);
  const path = u.pathname.replace(/\/+$/, '');
  u.pathname = /\/chat\/completions$/.test(path) ? path : `${path}/chat/completions`;
  return u.toString();
}

/** Creates the provider; throws for a base URL that is not one. */
export function openAiProvider(opts: OpenAiOptions): CaptionProvider {
  if (opts.baseUrls.length === 0) throw new Error('No base URL is set for the OpenAI-compatible provider.');
  if (!opts.model.trim())
    throw new Error('No model is set for the OpenAI-compatible provider (e.g. qwen2.5vl:7b for Ollama).');
  const urls = opts.baseUrls.map(completionsUrl);
  let next = 0;
  // Uploads started by prepare(), by image: run() takes its own (or starts it), and a retry reuses it.
  const uploads = new WeakMap<Uint8Array, Promise<string>>();
  const upload = (image: Uint8Array): Promise<string> => {
    let p = uploads.get(image);
    if (!p) {
      p = uploadImage(image, opts.longSide ?? UPLOAD_LONG_SIDE).then((u) => u.dataUrl);
      // Awaited by run(); a failure of an upload nobody ran yet must not count as unhandled.
      p.catch(() => undefined);
      uploads.set(image, p);
    }
    return p;
  };
  return {
    id: 'openai',
    model: opts.model,
    prepare(input: ProviderInput): void {
      void upload(input.image);
    },
    async run(input: ProviderInput, signal: AbortSignal): Promise<ProviderResult> {
      if (signal.aborted) throw abortError(signal);
      const url = urls[next++ % urls.length]!;
      let dataUrl: string;
      try {
        dataUrl = await upload(input.image);
      } catch (err) {
        throw new ProviderError(`the image could not be read (${(err as Error).message})`);
      }
      const text = await complete(url, body(opts, input, dataUrl), opts, signal);
      if (!text.trim()) throw new ProviderError(`${host(url)} answered with an empty caption`, true);
      return { kind: 'caption', text };
    },
    dispose: async () => undefined,
  };
}

function body(opts: OpenAiOptions, input: ProviderInput, dataUrl: string): string {
  const messages: unknown[] = [];
  if (input.system.trim()) messages.push({ role: 'system', content: input.system });
  messages.push({
    role: 'user',
    content: [
      { type: 'text', text: input.prompt },
      { type: 'image_url', image_url: { url: dataUrl } },
    ],
  });
  return JSON.stringify({
    model: opts.model,
    messages,
    max_tokens: opts.maxTokens ?? 300,
    temperature: opts.temperature ?? 0.2,
    stream: opts.stream === true,
  });
}

async function complete(url: string, payload: string, opts: OpenAiOptions, signal: AbortSignal): Promise<string> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const both = AbortSignal.any([signal, timeout]);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: opts.stream ? 'text/event-stream' : 'application/json',
  };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  try {
    const res = await fetch(url, { method: 'POST', headers, body: payload, signal: both });
    if (!res.ok) throw await httpError(res, url, opts);
    return opts.stream ? await readStream(res, url) : await readJson(res, url);
  } catch (err) {
    if (signal.aborted) throw abortError(signal);
    if (timeout.aborted) {
      throw new ProviderError(
        `no answer from ${host(url)} within ${+(timeoutMs / 1000).toFixed(1)} s; raise the timeout or lower the concurrency`,
      );
    }
    if (err instanceof ProviderError) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new ProviderError(`the connection to ${host(url)} failed (${why}); is the server running?`, true);
  }
}

async function httpError(res: Response, url: string, opts: OpenAiOptions): Promise<ProviderError> {
  const detail = serverMessage(await res.text().catch(() => ''));
  const said = detail ? `: ${detail}` : '';
  if (res.status === 429) {
    return new ProviderError(
      `${host(url)} is busy (429 Too Many Requests)${said}`,
      true,
      retryAfterMs(res.headers.get('retry-after')),
    );
  }
  if (res.status >= 500)
    return new ProviderError(
      `${host(url)} failed (HTTP ${res.status})${said}`,
      true,
      retryAfterMs(res.headers.get('retry-after')),
    );
  if (res.status === 401 || res.status === 403) {
    const key = opts.apiKey ? 'refused the API key' : 'needs an API key';
    return new ProviderError(
      `${host(url)} ${key} (HTTP ${res.status})${said}. Set it with "LoRA Tagging: Set AI Captioning API Key".`,
      false,
      undefined,
      true,
    );
  }
  if (res.status === 404) {
    return new ProviderError(
      `${url} answered 404${said}: check the base URL and that the model "${opts.model}" exists there`,
      false,
      undefined,
      true,
    );
  }
  return new ProviderError(`${host(url)} refused the request (HTTP ${res.status})${said}`);
}

/** The server's own error text from an OpenAI-style `{ error: { message } }` body, or the start of the body. */
function serverMessage(text: string): string {
  try {
    const j = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const m = typeof j.error === 'string' ? j.error : (j.error?.message ?? j.message);
    if (typeof m === 'string') return m.slice(0, 300);
  } catch {
    // not JSON: the raw start below
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** Retry-After in milliseconds: seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const s = Number(value.trim());
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

async function readJson(res: Response, url: string): Promise<string> {
  const text = await res.text();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ProviderError(`${host(url)} sent a reply that is not JSON ("${text.slice(0, 80)}")`);
  }
  const parsed = Completion.safeParse(raw);
  if (!parsed.success) throw new ProviderError(`${host(url)} sent a reply without choices[0].message.content`);
  const content = parsed.data.choices[0]!.message.content;
  if (typeof content === 'string') return content;
  return (content ?? []).map((p) => p.text ?? '').join('');
}

async function readStream(res: Response, url: string): Promise<string> {
  if (!res.body) throw new ProviderError(`${host(url)} sent no body`);
  const decoder = new TextDecoder();
  let buffered = '';
  let out = '';
  let done = false;
  const take = (line: string) => {
    if (!line.startsWith('data:')) return;
    const data = line.slice(5).trim();
    if (data === '[DONE]') {
      done = true;
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      throw new ProviderError(`${host(url)} sent a stream event that is not JSON ("${data.slice(0, 80)}")`);
    }
    const chunk = Chunk.safeParse(raw);
    if (!chunk.success) throw new ProviderError(`${host(url)} sent a stream event without choices[].delta`);
    out += chunk.data.choices[0]?.delta?.content ?? '';
  };
  for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(part, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      take(buffered.slice(0, nl).replace(/\r$/, ''));
      buffered = buffered.slice(nl + 1);
    }
  }
  take(buffered.trim());
  if (!done && !out) throw new ProviderError(`${host(url)} ended the stream without an answer`, true);
  return out;
}

function host(url: string): string {
  return new URL(url).host;
}
