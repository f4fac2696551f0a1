import type { ModelConfig, ModelLatency, ModelPrice, ModelRateLimit } from '../../protocol/squadFile';
import type { Usage } from '../../protocol/runEvent';
import { PricingTableSchema, type PricingTable } from '../../protocol/pricingTable';
import pricingData from './pricing.json';

/** A squad file's model after the pricing table filled in what the file left out. */
export interface ResolvedModel {
  /** The key in the squad file's `models`. */
  name: string;
  provider: string;
  model: string;
  contextWindow: number;
  /** Null when neither the file nor the pricing table prices the model: its cost is unknown. */
  price: ModelPrice | null;
  latency: ModelLatency;
  /** The most one reply may hold: sent as max_tokens, and what the budget reserves per call. */
  maxOutputTokens: number;
  rateLimit: ModelRateLimit | null;
  /** The most calls to this model in flight at once (null: no limit). */
  maxConcurrency?: number | null;
}

/** Used for a model the table does not know, so a run can go on; flagged by `price: null`. */
const UNKNOWN_CONTEXT_WINDOW = 128_000;
const DEFAULT_LATENCY: ModelLatency = { ttftMs: 400, tokensPerSecond: 60 };
/** Agents rarely need long replies; a bounded default keeps the budget's reservation honest. */
const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

export function loadPricingTable(): PricingTable {
  // Validated once at load: a bad edit to pricing.json fails loudly, not as NaN costs.
  return PricingTableSchema.parse(pricingData);
}

export function resolveModel(name: string, config: ModelConfig, table: PricingTable): ResolvedModel {
  const listed = table.models[config.model];
  const price = config.price ?? (listed ? pick(listed) : null);
  return {
    name,
    provider: config.provider,
    model: config.model,
    contextWindow: config.contextWindow ?? listed?.contextWindow ?? UNKNOWN_CONTEXT_WINDOW,
    price,
    latency: config.latency ?? DEFAULT_LATENCY,
    maxOutputTokens: config.maxOutputTokens ?? Math.min(DEFAULT_MAX_OUTPUT_TOKENS, listed?.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS),
    rateLimit: config.rateLimit ?? null,
    maxConcurrency: config.maxConcurrency ?? null,
  };
}

function pick(p: ModelPrice): ModelPrice {
  return { inputPerMTok: p.inputPerMTok, cachedInputPerMTok: p.cachedInputPerMTok, outputPerMTok: p.outputPerMTok };
}

/** Cost in USD. Cached input tokens are a subset of input tokens, billed at the cached rate. */
export function costOf(usage: Usage, price: ModelPrice | null): number {
  if (!price) return 0;
  const uncached = usage.inputTokens - usage.cachedInputTokens;
  return (uncached * price.inputPerMTok + usage.cachedInputTokens * price.cachedInputPerMTok + usage.outputTokens * price.outputPerMTok) / 1_000_000;
}
