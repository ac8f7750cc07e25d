/** The tagging panel's HTML: a strict CSP, a nonce for the one module script, codicons from the build output. */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** A fresh nonce per render, from the platform's CSPRNG. */
export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

/** Escapes text for an HTML attribute or text node. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The page: `default-src 'none'`, scripts only by nonce, styles, fonts and images only from the webview's own
 * resource origin (the build output and the dataset's output folder), no 'unsafe-inline'.
 */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  const nonce = makeNonce();
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js'));
  const codicons = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'codicons', 'codicon.css'));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data: blob:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${codicons}" id="vscode-codicon-stylesheet">
<title>${esc(title)}</title>
</head>
<body>
<lora-tagger-app></lora-tagger-app>
<script type="module" nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
