import { z } from 'zod';

/** A tenant's id: it names tenants in URLs, journals and reports, so it is a plain, short token. */
export const TenantIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a tenant id has letters, digits, ".", "-" and "_" (64 at most), starting with a letter or digit');
export type TenantId = z.infer<typeof TenantIdSchema>;

export const DEFAULT_TENANT = 'default';
