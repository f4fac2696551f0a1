import { messageOf } from '../../protocol/messageOf';
import { spendOfJournal } from './journalSpend';
import type { TenantRegistry } from './tenantRegistry';

/** Journals summed at once. */
const PARALLEL = 8;

/**
 * Adds what `journals` (of today, written by earlier sessions) cost to their tenants' day, each
 * summed in one streaming pass (`spendOfJournal`), a few at a time. A journal that cannot be read is
 * logged and skipped; one without a tenant or a cost counts nothing.
 */
export async function addEarlierSpend(journals: readonly { id: string; path: string }[], tenants: TenantRegistry, log: (line: string) => void): Promise<{ journals: number; usd: number }> {
  let usd = 0;
  let counted = 0;
  for (let i = 0; i < journals.length; i += PARALLEL) {
    const spends = await Promise.all(
      journals.slice(i, i + PARALLEL).map((f) =>
        spendOfJournal(f.path).catch((error: unknown) => {
          log(`cannot count the spend of ${f.id}: ${messageOf(error)}`);
          return null;
        }),
      ),
    );
    for (const spend of spends) {
      if (!spend?.tenant || !(spend.costUsd > 0)) continue;
      tenants.get(spend.tenant).budget.addCommitted(spend.costUsd);
      usd += spend.costUsd;
      counted += 1;
    }
  }
  return { journals: counted, usd };
}
