import type { ControlChannel } from '../store/controlChannel';
import type { JournalStore } from '../store/journalStore';
import type { RunQueue } from '../store/runQueue';
import type { SpendLedger } from '../store/spendLedger';
import type { TokenStore } from '../store/tokenStore';

/** Every shared port, as the API servers and the workers of one deployment see them. */
export interface SharedStores {
  journals: JournalStore;
  queue: RunQueue;
  ledger: SpendLedger;
  tokens: TokenStore;
  control: ControlChannel;
  /** Where they live, for messages (`postgres://host:5432/squad`). */
  location: string;
  /** `/readyz`'s store check: resolves with a detail when the stores answer and are at this version's schema, throws why not. */
  ready(): Promise<string>;
  close(): Promise<void>;
}
