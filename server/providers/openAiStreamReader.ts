import type { Usage } from '../../protocol/runEvent';
import type { RequestedToolCall } from '../engine/modelProvider';
import type { OpenAiStreamChunk } from './openAiStreamChunk';
import { parseToolArguments } from './parseToolArguments';
import type { WireToolNames } from './wireToolNames';

interface PartialCall {
  id: string | null;
  name: string;
  arguments: string;
}

/**
 * Folds the chunks of one streamed Chat Completion into a reply. Tool calls arrive as deltas keyed
 * by `index` (the first delta carries the id and name, later ones pieces of the arguments); some
 * compatible servers send each call whole and without an index, so a delta with a new id and no
 * index starts a new call.
 */
export class OpenAiStreamReader {
  private text = '';
  private readonly calls: PartialCall[] = [];
  private usage: Usage | null = null;
  finishReason: string | null = null;

  constructor(private readonly names: WireToolNames) {}

  add(chunk: OpenAiStreamChunk): void {
    // Only the first choice: we never ask for n > 1.
    const choice = chunk.choices.find((c) => (c.index ?? 0) === 0);
    const delta = choice?.delta;
    if (delta?.content) this.text += delta.content;
    if (delta?.refusal) this.text += delta.refusal;
    for (const d of delta?.tool_calls ?? []) {
      const call = this.slot(d.index, d.id ?? null);
      if (d.id && call.id === null) call.id = d.id;
      if (d.function?.name) call.name += d.function.name;
      if (d.function?.arguments) call.arguments += d.function.arguments;
    }
    if (choice?.finish_reason) this.finishReason = choice.finish_reason;
    if (chunk.usage) {
      this.usage = {
        inputTokens: chunk.usage.prompt_tokens,
        cachedInputTokens: Math.min(chunk.usage.prompt_tokens_details?.cached_tokens ?? 0, chunk.usage.prompt_tokens),
        outputTokens: chunk.usage.completion_tokens,
      };
    }
  }

  private slot(index: number | undefined, id: string | null): PartialCall {
    if (index !== undefined) {
      while (this.calls.length <= index) this.calls.push({ id: null, name: '', arguments: '' });
      return this.calls[index]!;
    }
    const last = this.calls[this.calls.length - 1];
    if (last && (id === null || last.id === id)) return last;
    const call: PartialCall = { id: null, name: '', arguments: '' };
    this.calls.push(call);
    return call;
  }

  /** The reply so far: whole once the stream has ended, what had arrived when it was cut off. */
  get replyText(): string {
    return this.text;
  }

  toolCalls(): RequestedToolCall[] {
    return this.calls.filter((c) => c.name !== '').map((c) => ({ name: this.names.original(c.name), args: parseToolArguments(c.arguments) }));
  }

  /** The usage chunk's counts; null when the server sent none. */
  reportedUsage(): Usage | null {
    return this.usage;
  }
}
