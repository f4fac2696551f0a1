import type Anthropic from '@anthropic-ai/sdk';
import type { ModelRequest } from '../engine/modelProvider';
import { providerTranscript } from './providerTranscript';
import { toolParameters } from './toolParameters';
import type { WireToolNames } from './wireToolNames';

type Params = Anthropic.Messages.MessageCreateParamsStreaming;
type Block = Anthropic.Messages.ContentBlockParam;
type Turn = { role: 'user' | 'assistant'; content: Block[] };

const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * A streaming Messages request. The API wants strictly alternating user and assistant turns that
 * start with the user, tool results as blocks of the next user turn, and the system prompt apart; the
 * transcript is folded into that. With prompt caching, the three stable prefixes (tools, system, the
 * conversation up to its last block) carry cache breakpoints, so each call reads what the previous
 * one wrote: Anthropic caches only what is marked.
 */
export function anthropicRequest(request: ModelRequest, names: WireToolNames, options: { promptCaching: boolean }): Params {
  const system: string[] = [];
  const turns: Turn[] = [];
  const push = (role: Turn['role'], block: Block): void => {
    const last = turns[turns.length - 1];
    if (last?.role === role) last.content.push(block);
    else turns.push({ role, content: [block] });
  };
  for (const entry of providerTranscript(request.messages)) {
    switch (entry.kind) {
      case 'system':
        system.push(entry.text);
        break;
      case 'user':
        push('user', { type: 'text', text: entry.text });
        break;
      case 'assistant':
        if (entry.text !== '') push('assistant', { type: 'text', text: entry.text });
        for (const c of entry.toolCalls) push('assistant', { type: 'tool_use', id: c.id, name: names.wire(c.name), input: c.args });
        break;
      case 'toolResult':
        push('user', { type: 'tool_result', tool_use_id: entry.callId, content: entry.content, ...(entry.content.startsWith('error: ') ? { is_error: true } : {}) });
        break;
    }
  }
  // A cut context may begin with the assistant; the API refuses that.
  if (turns[0]?.role !== 'user') turns.unshift({ role: 'user', content: [{ type: 'text', text: '(earlier messages were dropped to fit the context window)' }] });

  const params: Params = {
    model: request.model.model,
    max_tokens: request.maxOutputTokens,
    messages: turns,
    stream: true,
  };
  if (system.length > 0) params.system = [{ type: 'text', text: system.join('\n\n'), ...(options.promptCaching ? { cache_control: EPHEMERAL } : {}) }];
  if (request.tools.length > 0) {
    params.tools = request.tools.map((t, i) => ({
      name: names.wire(t.name),
      description: t.description,
      input_schema: { ...toolParameters(t.inputSchema), type: 'object' },
      ...(options.promptCaching && i === request.tools.length - 1 ? { cache_control: EPHEMERAL } : {}),
    }));
  }
  const lastBlock = turns[turns.length - 1]?.content.at(-1);
  if (options.promptCaching && lastBlock && canCache(lastBlock)) lastBlock.cache_control = EPHEMERAL;
  return params;
}

function canCache(block: Block): block is Extract<Block, { type: 'text' | 'tool_result' | 'tool_use' }> {
  return block.type === 'text' || block.type === 'tool_result' || block.type === 'tool_use';
}
