import { InProcessControlChannel } from '../../store/memory/inProcessControlChannel';
import { InProcessRunQueue } from '../../store/memory/inProcessRunQueue';
import { InProcessSpendLedger } from '../../store/memory/inProcessSpendLedger';
import { InProcessTokenStore } from '../../store/memory/inProcessTokenStore';
import { MemoryJournalStore } from '../../store/memory/memoryJournalStore';
import type { SharedStores } from '../clusterStores';

/** Test support: every shared port in memory, as one deployment's API servers and workers in one process share them. */
export function memoryStores(): SharedStores {
  return {
    journals: new MemoryJournalStore(),
    queue: new InProcessRunQueue(),
    ledger: new InProcessSpendLedger(),
    tokens: new InProcessTokenStore(),
    control: new InProcessControlChannel(),
    location: 'memory',
    ready: async () => 'in-process stores',
    close: async () => {},
  };
}
