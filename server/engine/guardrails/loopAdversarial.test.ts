import { describe, expect, it } from 'vitest';
import { runTestSquad } from '../testSquad';

/**
 * Adversarial ping-pong cases for the loop guardrail's no-progress detection: the first six must
 * trip however the messages are worded, the last six must not (they make progress or converge).
 * Each is a worker (the entry) that sends drafts to a checker that sends them back.
 */
function exchange(drafts: string[], replies: string[], options: { finish?: boolean; workerTool?: boolean } = {}): string {
  const quote = (s: string) => JSON.stringify(s);
  const workerSteps = drafts.map((d) =>
    options.workerTool
      ? `      - tool: { name: registry.lookup, args: { q: ${quote(d.slice(0, 20))} } }\n      - handoff: { to: checker, content: ${quote(d)} }`
      : `      - handoff: { to: checker, content: ${quote(d)} }`,
  );
  if (options.finish) workerSteps.push('      - finish: filed');
  return `
version: 1
name: review
task: { entry: worker, input: Prepare the credit file for Harbor Freight Logistics LLC. }
models: { m: { provider: simulated, model: gpt-4o-mini } }
${options.workerTool ? 'toolServers: { registry: { command: node } }' : ''}
guardrails: { maxTurnsPerAgent: 60, maxRunTurns: 200 }
agents:
  worker:
    role: worker
    model: m
    handoffs: [checker]
    ${options.workerTool ? 'tools: [registry.*]' : ''}
    script:
${workerSteps.join('\n')}
  checker:
    role: checker
    model: m
    handoffs: [worker]
    script:
${replies.map((r) => `      - handoff: { to: worker, content: ${quote(r)} }`).join('\n')}
`;
}

const tools = {
  tools: () => [{ name: 'registry.lookup', description: 'companies house', inputSchema: { type: 'object' } }],
  call: async () => ({ ok: true, content: 'active, filed 2025', latencyMs: 10 }),
};

const DRAFT =
  'Credit file for Harbor Freight Logistics LLC: revenue grew to $184.2M in FY2025, EBITDA margin 14.1%, DSCR 1.32x on the proposed $12M term loan, fleet appraisal supports 78% advance rate. Recommend approval with a minimum DSCR covenant.';
/** The same draft with a few words changed, as a model resubmits when it does not know what to fix. */
const tweaks = [
  DRAFT,
  DRAFT.replace('Recommend approval', 'We recommend approval'),
  DRAFT.replace('grew to', 'increased to').replace('supports', 'backs'),
  DRAFT.replace('Recommend approval', 'Approval is recommended').replace('proposed', 'requested'),
  DRAFT.replace('revenue grew', 'top-line revenue grew').replace('minimum', 'min.'),
  DRAFT.replace('EBITDA margin', 'an EBITDA margin of'),
  DRAFT.replace('LLC:', 'LLC -').replace('advance rate', 'advance-rate'),
  DRAFT.replace('Recommend', 'Suggest'),
];
/** A checker that rejects in new words every round. */
const paraphrasedRejections = [
  'The DSCR ignores the lease payments; rework it.',
  'Debt service coverage is overstated because operating leases were left out.',
  'You still have not included lease obligations in the coverage computation.',
  'Coverage must account for the fleet leases. Not acceptable yet.',
  'Rejected again: lease commitments are missing from debt service.',
  'Please fix coverage so that it reflects rent on leased trucks.',
  'This cannot go to committee until leases are in the DSCR.',
  'Same issue as before: leases absent from the denominator.',
];

const loopTrips = async (yaml: string, withTools = false) => {
  const run = await runTestSquad(yaml, withTools ? { tools } : {});
  return { run, trips: run.of('guardrail.tripped').filter((t) => t.kind === 'loop') };
};

describe('loop: paraphrased ping-pong that must trip', () => {
  it("1. near-identical drafts, a rejection in new words every round (the tester's case)", async () => {
    const { run, trips } = await loopTrips(exchange(tweaks, paraphrasedRejections));
    expect(trips).toHaveLength(1);
    expect(trips[0]!.evidence).toMatchObject({ rounds: 4, limit: 4 });
    expect(trips[0]!.message).toMatch(/^worker and checker passed the same work back and forth 4 times with nothing new in between/);
    expect(run.outcome.status).toBe('halted');
    // Caught at the fourth round, not at the turn cap.
    expect(run.of('message.sent').filter((m) => m.kind === 'handoff')).toHaveLength(8);
  });

  it('2. the very same draft every time, rejections paraphrased', async () => {
    const { trips } = await loopTrips(exchange(Array(8).fill(DRAFT), paraphrasedRejections));
    expect(trips).toHaveLength(1);
  });

  it('3. drafts that differ only by version counters and round numbers', async () => {
    const drafts = tweaks.map((d, i) => `Draft v${i + 1} (round ${i + 1}): ${d}`);
    const { trips } = await loopTrips(exchange(drafts, paraphrasedRejections));
    expect(trips).toHaveLength(1);
  });

  it('4. the same verdict word for word, while the worker reorders its sentences', async () => {
    const parts = DRAFT.split(', ');
    const drafts = Array.from({ length: 8 }, (_, i) => [...parts.slice(i % parts.length), ...parts.slice(0, i % parts.length)].join(', '));
    const { trips } = await loopTrips(exchange(drafts, Array(8).fill('Rejected: leases are missing from the DSCR.')));
    expect(trips).toHaveLength(1);
  });

  it('5. case, punctuation and filler words changed, facts the same', async () => {
    const drafts = tweaks.map((d, i) => (i % 2 === 0 ? d.toUpperCase() : `Please see below. ${d.replace(/,/g, ';')} Thanks.`));
    const { trips } = await loopTrips(exchange(drafts, paraphrasedRejections));
    expect(trips).toHaveLength(1);
  });

  it('6. figures repeated from earlier rounds are not new facts', async () => {
    const drafts = tweaks.map((d, i) => (i % 2 === 0 ? d : d.replace('DSCR 1.32x', 'DSCR 1.32x (1.32x as computed before)')));
    const { trips } = await loopTrips(exchange(drafts, paraphrasedRejections));
    expect(trips).toHaveLength(1);
  });
});

describe('loop: exchanges that must not trip', () => {
  it('7. converging: three rejections in new words, then the fix and an approval', async () => {
    const replies = [...paraphrasedRejections.slice(0, 3), 'Approved: coverage now includes leases.'];
    const drafts = [...tweaks.slice(0, 3), DRAFT.replace('DSCR 1.32x', 'DSCR 1.18x after $2.4M of annual lease payments')];
    const { run, trips } = await loopTrips(exchange(drafts, replies, { finish: true }));
    expect(trips).toEqual([]);
    expect(run.outcome.status).toBe('completed');
  });

  it('8. every resubmission brings new figures (the worker is addressing the comments)', async () => {
    const drafts = Array.from({ length: 8 }, (_, i) => DRAFT.replace('DSCR 1.32x', `DSCR ${(1.3 - i * 0.03).toFixed(2)}x with lease adjustment ${i * 150 + 320}k`));
    const { trips } = await loopTrips(exchange(drafts, paraphrasedRejections, { finish: true }));
    expect(trips).toEqual([]);
  });

  it('9. a tool result between rounds (new evidence each time)', async () => {
    const { trips } = await loopTrips(exchange(tweaks.slice(0, 6), paraphrasedRejections.slice(0, 6), { finish: true, workerTool: true }), true);
    expect(trips).toEqual([]);
  });

  it('10. whole new sections each round, no figures', async () => {
    const sections = [
      'Management: the founders still run operations; succession is informal and undocumented.',
      'Collateral: rolling stock is titled to the borrower and free of prior liens on the main fleet.',
      'Industry: regional freight demand tracks port volumes and softened during the inventory correction.',
      'Customers: the largest shipper accounts for a third of billings under an evergreen contract.',
      'Covenants: propose a springing fixed charge covenant tested quarterly on a trailing basis.',
      'Structure: amortisation follows the useful life of the trucks, with a modest balloon at maturity.',
    ];
    const { trips } = await loopTrips(exchange(sections, paraphrasedRejections.slice(0, 6), { finish: true }));
    expect(trips).toEqual([]);
  });

  it('11. a planner dispatching a new topic each time from one template', async () => {
    const topics = ['revenue by segment', 'fuel hedging', 'driver turnover', 'insurance reserves', 'lease maturities', 'capex plan'];
    const drafts = topics.map((t) => `Next, read the section on ${t} and note the risks.`);
    const replies = topics.map((t) => `Noted ${t}: risks recorded in the file.`);
    const { trips } = await loopTrips(exchange(drafts, replies, { finish: true }));
    expect(trips).toEqual([]);
  });

  it('12. two rejections only, the same words both times, then acceptance', async () => {
    const { trips } = await loopTrips(exchange(tweaks.slice(0, 3), ['Rejected: leases missing.', 'Rejected: leases missing.', 'Accepted.'], { finish: true }));
    expect(trips).toEqual([]);
  });
});
