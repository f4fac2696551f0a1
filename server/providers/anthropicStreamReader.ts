import type { Usage } from '../../protocol/runEvent';
import type { RequestedToolCall } from '../engine/modelProvider';
import type { AnthropicStreamEvent, AnthropicUsage } from './anthropicStreamEvent';
import { parseToolArguments } from './parseToolArguments';
import type { WireToolNames } from './wireToolNames';

type Block = { kind: 'text'; text: string } | { kind: 'tool'; name: string; json: string; input: unknown } | { kind: 'other' };

/**
 * Folds the events of one streamed Message into a reply. Usage comes in two parts: message_start
 * has the input side (uncached, cache writes, cache reads) and message_delta the output count so far
 * (cumulative, and on newer API versions the input side again). So a stream cut after message_start
 * still knows exactly what its prompt cost.
 */
export class AnthropicStreamReader {
  private readonly blocks: Block[] = [];
  private usage: { input: number; cacheWrite: number; cacheRead: number; output: number } | null = null;
  stopReason: string | null = null;
  stopped = false;

  constructor(private readonly names: WireToolNames) {}

  add(event: AnthropicStreamEvent): void {
    switch (event.type) {
      case 'message_start':
        this.addUsage(event.message.usage);
        break;
      case 'content_block_start': {
        const b = event.content_block;
        this.blocks[event.index] =
          b.type === 'text' && 'text' in b && typeof b.text === 'string'
            ? { kind: 'text', text: b.text }
            : b.type === 'tool_use' && 'name' in b && typeof b.name === 'string'
              ? { kind: 'tool', name: b.name, json: '', input: 'input' in b ? b.input : {} }
              : { kind: 'other' };
        break;
      }
      case 'content_block_delta': {
        const block = this.blocks[event.index];
        const d = event.delta;
        if (block?.kind === 'text' && d.type === 'text_delta' && 'text' in d && typeof d.text === 'string') block.text += d.text;
        if (block?.kind === 'tool' && d.type === 'input_json_delta' && 'partial_json' in d && typeof d.partial_json === 'string') block.json += d.partial_json;
        break;
      }
      case 'message_delta':
        if (event.delta.stop_reason) this.stopReason = event.delta.stop_reason;
        this.addUsage(event.usage);
        break;
      case 'message_stop':
        this.stopped = true;
        break;
    }
  }

  private addUsage(u: AnthropicUsage): void {
    const prev = this.usage ?? { input: 0, cacheWrite: 0, cacheRead: 0, output: 0 };
    this.usage = {
      input: u.input_tokens ?? prev.input,
      cacheWrite: u.cache_creation_input_tokens ?? prev.cacheWrite,
      cacheRead: u.cache_read_input_tokens ?? prev.cacheRead,
      output: u.output_tokens ?? prev.output,
    };
  }

  get replyText(): string {
    return this.blocks.map((b) => (b?.kind === 'text' ? b.text : '')).join('');
  }

  toolCalls(): RequestedToolCall[] {
    const out: RequestedToolCall[] = [];
    for (const b of this.blocks) {
      // The start event carries `input: {}`; the arguments stream as JSON deltas.
      if (b?.kind === 'tool') out.push({ name: this.names.original(b.name), args: b.json === '' ? b.input : parseToolArguments(b.json) });
    }
    return out;
  }

  /**
   * In our terms: input counts every prompt token (Anthropic's `input_tokens` leaves out cache writes
   * and reads), and cached input is what was read from the cache. Cache writes are billed as input
   * here, though Anthropic bills them at 1.25×: the journal's cost is then slightly low for them.
   */
  reportedUsage(): Usage | null {
    if (!this.usage) return null;
    const { input, cacheWrite, cacheRead, output } = this.usage;
    return { inputTokens: input + cacheWrite + cacheRead, cachedInputTokens: cacheRead, outputTokens: output };
  }
}
