import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/**
 * The text an agent reads for a tool result: text blocks as they are, structured content as JSON
 * (when no text block carries it already), and binary parts (images, audio, blobs) as a short note
 * with their type and size, never as base64 that would only burn the context window.
 */
export function toolResultText(result: CallToolResult): string {
  const parts: string[] = [];
  for (const block of result.content) {
    switch (block.type) {
      case 'text':
        parts.push(block.text);
        break;
      case 'image':
      case 'audio':
        parts.push(`[${block.type} ${block.mimeType}, ${base64Bytes(block.data)} bytes]`);
        break;
      case 'resource_link':
        parts.push(`[resource ${block.uri}${block.name ? ` "${block.name}"` : ''}${block.mimeType ? ` ${block.mimeType}` : ''}]`);
        break;
      case 'resource': {
        const r = block.resource;
        parts.push('text' in r ? r.text : `[resource ${r.uri}${r.mimeType ? ` ${r.mimeType}` : ''}, ${base64Bytes(r.blob)} bytes]`);
        break;
      }
    }
  }
  if (result.structuredContent !== undefined && !result.content.some((b) => b.type === 'text')) {
    parts.push(JSON.stringify(result.structuredContent));
  }
  return parts.join('\n');
}

function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}
