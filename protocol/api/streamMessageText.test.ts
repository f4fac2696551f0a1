import { describe, expect, it } from 'vitest';
import { streamMessageText } from './streamMessageText';

describe('streamMessageText', () => {
  it('decodes a Buffer, an ArrayBuffer and fragments as UTF-8', () => {
    const bytes = Buffer.from('{"type":"ping","note":"€ ✔"}', 'utf8');
    expect(streamMessageText(bytes)).toBe('{"type":"ping","note":"€ ✔"}');
    expect(streamMessageText(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length))).toBe('{"type":"ping","note":"€ ✔"}');
    // Split inside the three bytes of '€': String(fragments) would join them with commas and break it.
    const cut = bytes.indexOf(0xe2) + 1;
    expect(streamMessageText([bytes.subarray(0, cut), bytes.subarray(cut)])).toBe('{"type":"ping","note":"€ ✔"}');
  });
});
