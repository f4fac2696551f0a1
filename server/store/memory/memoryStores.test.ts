import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { FileJournals } from '../fileJournals';
import { journalStoreConformance } from '../journalStoreConformance';
import { storePortsConformance } from '../storePortsConformance';
import { InProcessControlChannel } from './inProcessControlChannel';
import { InProcessRunQueue } from './inProcessRunQueue';
import { InProcessSpendLedger } from './inProcessSpendLedger';
import { InProcessTokenStore } from './inProcessTokenStore';
import { MemoryJournalStore } from './memoryJournalStore';

/** The embedded adapters: the workspace's files and this process's memory, through the same suites as PostgreSQL. */
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

journalStoreConformance('MemoryJournalStore', async () => new MemoryJournalStore());
journalStoreConformance('FileJournals', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'squad-files-'));
  dirs.push(dir);
  return FileJournals.forWorkspace(dir);
});

storePortsConformance('in-process adapters', {
  queue: async () => new InProcessRunQueue(),
  ledger: async () => new InProcessSpendLedger(),
  tokens: async () => {
    const store = new InProcessTokenStore();
    return { store, peer: async () => store }; // one process: its peer is itself
  },
  control: async () => {
    const channel = new InProcessControlChannel();
    return { sender: channel, holder: channel };
  },
});
