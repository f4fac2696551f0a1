import { createHash } from 'node:crypto';

/** SHA-256 of text (as UTF-8) or bytes, as lowercase hex: journal blob names, squad sources, run ids. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 as raw bytes, for constant-time comparison (tokens are kept only as their hash). */
export function sha256Bytes(data: string | Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}
