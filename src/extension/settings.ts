/** Reads the extension's settings (`loraTagger.*`) in one place, with their defaults. */
import * as vscode from 'vscode';
import type { CaptionStyle } from '../shared/model';

/** The settings as the commands and the panel use them. */
export interface TaggerSettings {
  outputFolder: string;
  includeSubfolders: boolean;
  stagingMode: 'copy' | 'move';
  imageExtensions: string[];
  captionStyle: CaptionStyle;
  vocabularyFiles: string[];
  followCaptionEditor: boolean;
  autoSaveCaptionEditor: boolean;
  /** Stage BMP, GIF, TIFF, AVIF and HEIC as PNG or JPEG ('off': skip them). */
  convertOnStage: 'off' | 'png' | 'jpeg';
}

/** Current settings for a resource (the dataset's folder), defaults filled in. */
export function readSettings(scope?: vscode.Uri): TaggerSettings {
  const c = vscode.workspace.getConfiguration('loraTagger', scope);
  const exts = c.get<string[]>('imageExtensions', ['png', 'jpg', 'jpeg', 'webp']);
  return {
    outputFolder: c.get<string>('outputFolder', 'output').trim() || 'output',
    includeSubfolders: c.get<boolean>('includeSubfolders', false),
    stagingMode: c.get<'copy' | 'move'>('stagingMode', 'copy') === 'move' ? 'move' : 'copy',
    imageExtensions: exts.map((e) => e.replace(/^\./, '').toLowerCase()).filter(Boolean),
    captionStyle: c.get<string>('captionStyle', 'natural') === 'tags' ? 'tags' : 'natural',
    vocabularyFiles: c.get<string[]>('vocabularyFiles', []),
    followCaptionEditor: c.get<boolean>('followCaptionEditor', false),
    autoSaveCaptionEditor: c.get<boolean>('autoSaveCaptionEditor', true),
    convertOnStage: (['png', 'jpeg'] as const).find((v) => v === c.get<string>('convertOnStage', 'off')) ?? 'off',
  };
}
