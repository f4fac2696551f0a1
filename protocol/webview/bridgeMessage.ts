import { z } from 'zod';
import { BridgeMethodSchema, HostEventSchema } from './bridgeMethods';

/** Why a request failed, for the UI to act on; `unsupported`: this host does not offer the method. */
export const BridgeErrorCode = z.enum(['invalid', 'not-found', 'forbidden', 'conflict', 'unsupported', 'unavailable', 'internal']);
export type BridgeErrorCode = z.infer<typeof BridgeErrorCode>;

export const BridgeErrorSchema = z.object({ code: BridgeErrorCode, message: z.string() });
export type BridgeErrorBody = z.infer<typeof BridgeErrorSchema>;

/**
 * The envelopes of the one bridge between the webview and its host. Requests carry an id the
 * response repeats (as in the custom-editor sample); the params and result of each method are
 * checked against `BridgeMethods` by whoever receives them.
 */
export const WebviewMessageSchema = z.discriminatedUnion('kind', [
  /**
   * Sent once the page can receive messages; the host answers pending `show` events after it. `early`:
   * sent by the page's first script, before the app's bundle has run, which says `started` once it has.
   */
  z.object({ kind: z.literal('ready'), early: z.literal(true).optional() }),
  /** The app's bundle is running (after an early `ready`): the page has loaded. */
  z.object({ kind: z.literal('started') }),
  z.object({ kind: z.literal('request'), id: z.number().int().nonnegative(), method: BridgeMethodSchema, params: z.unknown() }),
  z.object({ kind: z.literal('cancel'), id: z.number().int().nonnegative() }),
]);
export type WebviewMessage = z.infer<typeof WebviewMessageSchema>;

// A plain union: two members share `kind: 'response'` and differ by `ok`.
export const HostMessageSchema = z.union([
  z.object({ kind: z.literal('response'), id: z.number().int().nonnegative(), ok: z.literal(true), result: z.unknown() }),
  z.object({ kind: z.literal('response'), id: z.number().int().nonnegative(), ok: z.literal(false), error: BridgeErrorSchema }),
  z.object({ kind: z.literal('event'), event: HostEventSchema }),
]);
export type HostMessage = z.infer<typeof HostMessageSchema>;
