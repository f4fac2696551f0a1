import { z } from 'zod';
import { TenantIdSchema } from './tenantId';

/** `POST /api/tokens` (server token only): a bearer token that sees and starts only `tenant`'s runs. */
export const CreateTokenRequestSchema = z.object({ tenant: TenantIdSchema }).strict();
export const CreateTokenResponseSchema = z.object({ token: z.string(), tenant: z.string() });
