/** What a LoRA Tagging command says when it is run in Restricted Mode (no `vscode` here, so it is unit-tested). */

/** The message for a command run in an untrusted workspace: what happened, why, and what to do. */
export function restrictedModeMessage(commandTitle: string): string {
  return (
    `${commandTitle} did nothing: this workspace is in Restricted Mode. LoRA Dataset Tagger copies, writes and ` +
    'renames files in the folders you tag, so it works only in a trusted workspace. Trust this folder (Manage ' +
    `Workspace Trust), then run ${commandTitle} again.`
  );
}
