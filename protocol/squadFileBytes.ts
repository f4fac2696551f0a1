import type { SquadDiagnostic } from './squadDiagnostic';

export type DecodedSquadFile = { ok: true; text: string } | { ok: false; error: SquadDiagnostic };

/**
 * Decodes a squad file's bytes as UTF-8, refusing (never replacing) bytes that are not: a prompt
 * with U+FFFD in it is a prompt the author did not write. The error is at the first bad byte, with
 * its line and column in characters, so `file:line:col` opens an editor there. A UTF-8 byte-order
 * mark is dropped; UTF-16 is named as such. Browser-safe (TextDecoder).
 */
export function decodeSquadFileBytes(bytes: Uint8Array, file: string): DecodedSquadFile {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { ok: false, error: at(file, 1, 1, 'the file is UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8') };
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const lineStart = bytes.lastIndexOf(0x0a, bad - 1) + 1;
    let line = 1;
    for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
    // The prefix of the line is valid UTF-8 (the bad byte is the first), so its length in UTF-16
    // units is the column an editor shows.
    const prefix = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, bad));
    const hex = (bytes[bad] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    const message = `byte 0x${hex} is not valid UTF-8: save the file as UTF-8 (it was probably written as Latin-1 or Windows-1252)`;
    return { ok: false, error: at(file, line, prefix.length + 1, message) };
  }
}

function at(file: string, line: number, col: number, message: string): SquadDiagnostic {
  return { file, line, col, endLine: line, endCol: col + 1, message, severity: 'error', path: [] };
}

/** The index of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b === 0xe0) {
      need = 2;
      min = 0xa0;
    } else if (b === 0xed) {
      // no surrogates
      need = 2;
      min = 0x80;
      max = 0x9f;
    } else if (b >= 0xe1 && b <= 0xef) {
      need = 2;
      min = 0x80;
    } else if (b === 0xf0) {
      need = 3;
      min = 0x90;
    } else if (b === 0xf4) {
      // nothing past U+10FFFF
      need = 3;
      min = 0x80;
      max = 0x8f;
    } else if (b >= 0xf1 && b <= 0xf3) {
      need = 3;
      min = 0x80;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      const lo = k === 1 ? min : 0x80;
      const hi = k === 1 ? max : 0xbf;
      if (c === undefined || c < lo || c > hi) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}
