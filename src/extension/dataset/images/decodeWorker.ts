/** Worker thread that decodes images for the preflight, so the extension host's main thread never blocks on it. */
import { parentPort } from 'node:worker_threads';
import { decodeToThumb } from './decode';

/** A decode request from WorkerDecoder. */
export interface DecodeRequest {
  id: number;
  buf: Uint8Array;
  format: string;
}

parentPort?.on('message', (m: DecodeRequest) => {
  const r = decodeToThumb(Buffer.from(m.buf.buffer, m.buf.byteOffset, m.buf.byteLength), m.format);
  parentPort!.postMessage({ id: m.id, r }, r.ok ? [r.thumb.buffer as ArrayBuffer] : []);
});
