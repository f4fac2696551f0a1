import { z } from 'zod';
import { ModelPriceSchema } from './squadFile';

/** The pricing data file: what each model costs and how much context it takes, with provenance. */
export const PricingTableSchema = z
  .object({
    source: z.string().min(1),
    retrieved: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    currency: z.literal('USD'),
    unit: z.literal('per million tokens'),
    models: z.record(
      z.string(),
      ModelPriceSchema.extend({
        contextWindow: z.number().int().positive(),
        maxOutputTokens: z.number().int().positive(),
        // Every price says where it was read and when, so a stale one can be found and checked.
        source: z.url({ protocol: /^https$/ }),
        retrieved: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
        /** What the flat rates leave out (long-prompt tiers, deprecation), for the reader. */
        note: z.string().min(1).optional(),
      }).strict(),
    ),
  })
  .strict();
export type PricingTable = z.infer<typeof PricingTableSchema>;
export type ModelPricing = PricingTable['models'][string];
