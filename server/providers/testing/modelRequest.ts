import type { ChatMessage, ModelRequest, ToolSpec } from '../../engine/modelProvider';
import type { ResolvedModel } from '../../engine/resolvedModel';

/** A model request as the engine makes it, for provider tests. */
export function modelRequest(over: { model?: Partial<ResolvedModel>; messages?: ChatMessage[]; tools?: ToolSpec[]; signal?: AbortSignal } = {}): ModelRequest {
  const model: ResolvedModel = {
    name: 'main',
    provider: 'openai',
    model: 'gpt-4.1',
    contextWindow: 1_047_576,
    price: { inputPerMTok: 2, cachedInputPerMTok: 0.5, outputPerMTok: 8 },
    latency: { ttftMs: 400, tokensPerSecond: 60 },
    maxOutputTokens: 1024,
    rateLimit: null,
    ...over.model,
  };
  return {
    agent: 'planner',
    turn: 1,
    call: 1,
    model,
    messages: over.messages ?? [
      { role: 'system', content: 'You are the planner.' },
      { role: 'user', content: 'Prepare the credit memo.' },
    ],
    tools: over.tools ?? [
      {
        name: 'handoff',
        description: 'Send work.',
        inputSchema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { to: { type: 'string' }, content: { type: 'string' } }, required: ['to', 'content'] },
      },
      { name: 'bureau.report', description: 'A credit report.', inputSchema: { type: 'object', properties: { company: { type: 'string' } } } },
    ],
    maxOutputTokens: model.maxOutputTokens,
    signal: over.signal ?? new AbortController().signal,
  };
}
