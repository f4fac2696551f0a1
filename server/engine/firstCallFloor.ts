import type { SquadFile } from '../../protocol/squadFile';
import { asChatMessage, systemPrompt } from './agentRuntime';
import { controlToolSpecs } from './controlTools';
import { costOf, loadPricingTable, resolveModel } from './resolvedModel';
import { countChat, countText } from './tokenCounter';

/**
 * The least a run of `squad` must be granted to make its first model call: what the budget
 * guardrail reserves for the entry agent's first call (its system prompt and the task, uncached,
 * plus the model's `maxOutputTokens`), counting only the control tools' specs. MCP tools the entry
 * agent may use only add to the real reservation, so this is a floor, never more than it: a run
 * granted less halts before its first call, and is better refused with the figure.
 *
 * Known without the tool servers (nothing is connected), so the API can ask it before it admits a
 * run. 0 when the entry model has no price (its calls count nothing against a budget).
 */
export function firstCallFloorUsd(squad: SquadFile): number {
  const name = squad.task.entry;
  const config = squad.agents[name];
  const modelConfig = config ? squad.models[config.model] : undefined;
  if (!config || !modelConfig) return 0;
  const model = resolveModel(config.model, modelConfig, loadPricingTable());
  const context = [
    { role: 'system' as const, content: systemPrompt(squad.name, name, config) },
    asChatMessage({ id: 'task', from: null, to: name, kind: 'task', content: squad.task.input, inReplyTo: null, marks: [] }),
  ];
  const toolTokens = countText(JSON.stringify(controlToolSpecs({ canHandoff: config.handoffs.length > 0, canAsk: config.asks.length > 0 })));
  return costOf({ inputTokens: countChat(context) + toolTokens, cachedInputTokens: 0, outputTokens: model.maxOutputTokens }, model.price);
}
