/** The extension's one output channel ("LoRA Dataset Tagger"), shared by commands and panels. */
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

/** The log channel, created on first use. */
export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('LoRA Dataset Tagger', { log: true });
  return channel;
}

/** Disposes the channel (deactivate). */
export function disposeLog(): void {
  channel?.dispose();
  channel = undefined;
}

/** The message of any thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
