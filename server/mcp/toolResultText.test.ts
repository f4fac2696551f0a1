import { describe, expect, it } from 'vitest';
import { toolResultText } from './toolResultText';

describe('toolResultText', () => {
  it('keeps text, notes binary parts by type and size, and shows structured content without a text twin', () => {
    expect(
      toolResultText({
        content: [
          { type: 'text', text: 'score 72' },
          { type: 'image', data: 'AAAA', mimeType: 'image/png' },
          { type: 'resource_link', uri: 'file:///a.txt', name: 'a.txt' },
          { type: 'resource', resource: { uri: 'file:///b.txt', text: 'inline' } },
          { type: 'resource', resource: { uri: 'file:///c.bin', blob: 'AAA=', mimeType: 'application/octet-stream' } },
        ],
      }),
    ).toBe('score 72\n[image image/png, 3 bytes]\n[resource file:///a.txt "a.txt"]\ninline\n[resource file:///c.bin application/octet-stream, 2 bytes]');
    expect(toolResultText({ content: [], structuredContent: { score: 72 } })).toBe('{"score":72}');
    expect(toolResultText({ content: [{ type: 'text', text: '{"score":72}' }], structuredContent: { score: 72 } })).toBe('{"score":72}');
  });
});
