// Webview entry: wires the page to the host (one RpcEndpoint, zod-checked) and mounts the tagging app.
import './zodConfig';
import { HostEnvelope, ToHostResults, type ToHost, type ToWebview } from '../shared/protocol';
import { RpcEndpoint } from '../shared/rpc';
import { applyHostMessage } from './hostMessages';
import { TaggerStore } from './state/store';
import { ViewStateStore } from './vscodeApi';
import './components/lora-tagger-app';

const vscode = acquireVsCodeApi();
const viewState = new ViewStateStore(vscode);

// The page's own rules go in through the CSSOM: the CSP allows no inline <style> or style attributes.
const page = new CSSStyleSheet();
page.replaceSync(`
  html, body { height: 100%; margin: 0; padding: 0; overflow: hidden; }
  body { background: var(--vscode-editor-background); color: var(--vscode-foreground); }
  lora-tagger-app { height: 100%; }
`);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, page];

// `store` is declared right below; the RPC calls back only for messages that arrive after 'ready'.
const rpc = new RpcEndpoint<ToHost, ToWebview, typeof ToHostResults>(
  (envelope) => vscode.postMessage(envelope),
  HostEnvelope,
  (body) => applyHostMessage(store, body),
  (problem) => {
    console.error(`LoRA Tagger: ignored an invalid message from the extension: ${problem}`);
    store.setStatus(
      'error',
      `The extension sent a message this panel does not understand (${problem}). Reload the window after updating the extension.`,
    );
  },
  'w',
  { results: ToHostResults },
);
const store: TaggerStore = new TaggerStore({ notify: (b) => rpc.notify(b), request: (b, t) => rpc.request(b, t) });

const saved = viewState.get();
store.view = saved.view;
if (saved.imageFilterKind !== 'all') store.imageFilter = { kind: saved.imageFilterKind, value: saved.imageFilterValue };
store.addEventListener('change', (e) => {
  if ((e as CustomEvent<ReadonlySet<string>>).detail.has('view')) viewState.set({ view: store.view });
});

const app =
  document.querySelector('lora-tagger-app') ?? document.body.appendChild(document.createElement('lora-tagger-app'));
app.viewState = viewState;
app.store = store;

window.addEventListener('message', (e: MessageEvent) => void rpc.receive(e.data));
// Nothing typed is lost: a hidden, closed or reloading panel sends the dirty caption at once.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') store.flush();
});
window.addEventListener('pagehide', () => store.flush());

// Exposed for the component tests and the benchmark (they drive the real page).
(window as unknown as { loraTagger: unknown }).loraTagger = { store, app };

rpc.notify({ type: 'ready' });
