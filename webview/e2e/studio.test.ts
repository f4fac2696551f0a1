import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, startStudio, type Studio } from './studioHarness';

const MEMO = 'credit-memo.squad.yaml';
const DEADLOCK = 'failure-modes/deadlock-loan-pricing.squad.yaml';
const LOANS = 'loan-pricing.squad.yaml';

/**
 * The web app end to end: the built bundle served by the real server (in-process, free 127.0.0.1
 * port), in headless Chromium. Screenshots go to artifacts/webview/ for a person to look at.
 * Waits are bounded waits for a state, never assertions about how long something took.
 */
describe('Squad Studio web app', () => {
  let studio: Studio;
  beforeAll(async () => {
    studio = await startStudio({
      [MEMO]: 'samples/credit-memo/credit-memo.squad.yaml',
      [DEADLOCK]: 'samples/failure-modes/deadlock-loan-pricing.squad.yaml',
      [LOANS]: 'samples/loan-pricing/loan-pricing.squad.yaml',
    });
  }, 30_000);
  afterAll(async () => {
    await studio?.dispose();
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

  /** The server's own HTTP API, to set up saved runs the way the CLI or another window would. */
  async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${studio.server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${studio.server.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }
  async function finishedRun(seed: number): Promise<string> {
    const { run } = await api<{ run: { id: string } }>('POST', '/api/runs', { file: MEMO, seed });
    await expect.poll(async () => (await api<{ run: { state: string } }>('GET', `/api/runs/${run.id}`)).run.state, { timeout: 20_000 }).toMatch(/^(completed|failed|halted|cancelled)$/);
    return run.id;
  }
  const eventTypes = async (id: string): Promise<string[]> => (await api<{ events: { type: string }[] }>('GET', `/api/runs/${id}/journal?limit=10000`)).events.map((e) => e.type);
  /** Picks a run in the "Compare with" dropdown with the keyboard: open, ↓ to it, Enter. */
  async function compareWith(page: Page, id: string): Promise<void> {
    // React sets `value` as the element's property, not an attribute.
    const values = await page.locator('[data-testid="compare"] vscode-option').evaluateAll((os) => os.map((o) => (o as HTMLElement & { value: string }).value));
    const index = values.indexOf(id);
    expect(index).toBeGreaterThan(0);
    await page.locator('[data-testid="compare"]').click();
    for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`[data-testid="compare"][data-value="${id}"]`);
  }

  it('adds a hand-off by dragging in the graph, and the YAML changes with its comments kept', async () => {
    const before = await readFile(join(studio.workspace, MEMO), 'utf8');
    const page = await studio.open({ path: MEMO, theme: 'light' });
    await page.waitForSelector('[data-agent="regulatory"]');
    await page.waitForSelector('.monaco-editor');
    await shot(page, 'editor-light');
    const from = await page.locator('.react-flow__node:has([data-agent="regulatory"]) .react-flow__handle.source').boundingBox();
    const to = await page.locator('.react-flow__node:has([data-agent="planner"]) .react-flow__handle.target').boundingBox();
    if (!from || !to) throw new Error('handles not found');
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
    await page.mouse.up();
    // The page keeps the edit until the user saves: nothing reaches the file before Ctrl+S.
    await page.waitForSelector('[data-testid="save-state"][data-dirty="true"]');
    expect(await readFile(join(studio.workspace, MEMO), 'utf8')).toBe(before);
    await page.keyboard.press('Control+s');
    await page.waitForSelector('[data-testid="save-state"][data-dirty="false"]');
    await expect.poll(() => readFile(join(studio.workspace, MEMO), 'utf8'), { timeout: 10_000 }).toContain('    handoffs: [checker, planner]\n');
    const after = await readFile(join(studio.workspace, MEMO), 'utf8');
    const changed = after.split('\n').filter((line, i) => line !== before.split('\n')[i]);
    expect(changed).toEqual(['    handoffs: [checker, planner]']);
    expect(after).toContain('# a reasoning model thinks before it speaks');
    // The new edge is on the graph (Monaco renders only the lines in view, so its text is not read here).
    await page.waitForSelector('.react-flow__edge[data-id="handoff:regulatory>planner"]');
    await page.locator('.react-flow__node:has([data-agent="checker"])').click();
    await page.waitForSelector('#sq-field-name');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.evaluate(() => document.body.classList.replace('vscode-light', 'vscode-dark'));
    await shot(page, 'editor-dark');
    await page.context().close();
  }, 30_000);

  it('runs the credit memo and shows live events, costs per agent and tool latency', async () => {
    const page = await studio.open({ view: 'run', path: MEMO, theme: 'dark' });
    await page.click('[data-testid="start-run"]');
    await page.waitForSelector('[data-testid="run-state"][data-state="completed"]', { timeout: 20_000 });
    // The end of the run can be shown a frame before its last events are folded: wait for the figures.
    const usd = async (testId: string): Promise<number> => Number((await page.locator(`[data-testid="${testId}"]`).innerText()).replace('$', ''));
    await expect.poll(() => usd('total-cost'), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => usd('cost-planner'), { timeout: 15_000 }).toBeGreaterThan(0);
    const count = await page.locator('[data-testid="timeline-count"]').innerText();
    expect(Number(/([\d,]+) events/.exec(count)?.[1]?.replace(/,/g, ''))).toBeGreaterThan(20);
    await page.waitForSelector('[data-testid="tool-bureau.credit_score"]');
    expect(await page.locator('.sq-row[data-kind="model"]').count()).toBeGreaterThan(0);
    await shot(page, 'dashboard-dark');
    await page.evaluate(() => document.body.classList.replace('vscode-dark', 'vscode-light'));
    await page.locator('.sq-row[data-kind="tool"]').first().click();
    await page.waitForSelector('[data-testid="event-detail"]');
    await shot(page, 'dashboard-light');
    await page.context().close();
  }, 30_000);

  it('runs the deadlock sample and draws the cycle in red with each pending question', async () => {
    const page = await studio.open({ view: 'run', path: DEADLOCK, theme: 'dark' });
    await page.click('[data-testid="start-run"]');
    await page.waitForSelector('[data-testid="run-state"][data-state="halted"]', { timeout: 20_000 });
    const deadlock = await page.locator('[data-testid="deadlock"]').innerText();
    for (const agent of ['pricing', 'risk', 'treasury']) expect(deadlock).toContain(agent);
    expect(deadlock).toContain('Which funding tenor are you assuming');
    // The graph appears once ELK (in its worker) has laid it out.
    await expect.poll(() => page.locator('.sq-node.deadlocked').count(), { timeout: 15_000 }).toBe(3);
    // React Flow draws edges once their nodes are measured, a frame or more after the nodes (slower under load).
    await expect.poll(() => page.locator('.react-flow__edge.sq-edge-deadlock').count(), { timeout: 10_000 }).toBe(3);
    await shot(page, 'deadlock-dark');
    await page.context().close();
  }, 30_000);

  it("runs the loan-pricing sample: the replicated pricer shows ×3, each instance's figures, and the failover", async () => {
    const page = await studio.open({ view: 'run', path: LOANS, theme: 'dark' });
    await page.click('[data-testid="start-run"]');
    await page.waitForSelector('[data-testid="run-state"][data-state="completed"]', { timeout: 30_000 });
    // React Flow keeps a node hidden (visibility: hidden, so no innerText) until it is measured and laid
    // out, and hides it again for a frame when the graph is drawn anew: wait for the text itself.
    await expect.poll(() => page.locator('[data-testid="replicas-pricer"]').innerText(), { timeout: 15_000 }).toBe('×3');
    expect(await page.locator('[data-testid="replicas-desk"]').count()).toBe(0);
    // One node for the agent, with a row per instance; the node's figures are their sums.
    expect(await page.locator('.sq-node[data-agent="pricer"]').count()).toBe(1);
    const rows = page.locator('[data-testid="instances-pricer"] [data-instance]');
    await expect.poll(() => rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-instance'))), { timeout: 10_000 }).toEqual(['pricer#1', 'pricer#2', 'pricer#3']);
    const instanceUsd = await page.locator('[data-testid="instances-pricer"] .v').evaluateAll((vs) => vs.map((v) => Number(v.textContent.replace('$', ''))));
    const nodeUsd = Number((await page.locator('[data-testid="cost-pricer"]').innerText()).replace('$', ''));
    // The instance whose call stalled was billed nothing for it: the others carry the cost.
    expect(instanceUsd.filter((v) => v > 0).length).toBeGreaterThanOrEqual(2);
    expect(nodeUsd).toBeCloseTo(
      instanceUsd.reduce((a, b) => a + b, 0),
      3,
    );
    const turns = await page.locator('[data-testid="instances-pricer"] [data-instance] .t').evaluateAll((ts) => ts.map((t) => Number(t.textContent)));
    expect(turns.every((n) => n >= 1)).toBe(true);
    const nodeTurns = Number(/(\d+) turns/.exec(await page.locator('.sq-node[data-agent="pricer"] .sq-node-foot').innerText())?.[1]);
    expect(nodeTurns).toBe(turns.reduce((a, b) => a + b, 0));
    // The cost panel groups the instances under the agent, each with its turns and busy time.
    const group = page.locator('[data-testid="cost-group-pricer"]');
    for (const name of ['pricer#1', 'pricer#2', 'pricer#3']) expect(await group.locator(`[data-agent="${name}"]`).innerText()).toMatch(/\d+ turns? · [\d.]+ (ms|s)/);
    // The failover: an incident card and a timeline row, cause and from → to.
    const failovers = await api<{ events: { type: string; from?: string; to?: string; cause?: string; messageIds?: string[] }[] }>(
      'GET',
      `/api/runs/${await page.locator('[data-testid="run-state"]').getAttribute('data-run-id')}/journal?limit=10000`,
    ).then((j) => j.events.filter((e) => e.type === 'agent.failover'));
    expect(failovers.length).toBeGreaterThan(0);
    const f = failovers[0]!;
    const card = page.locator(`[data-testid="failover"][data-from="${f.from}"]`).first();
    expect(await card.innerText()).toContain(`${f.from} → ${f.to}: ${f.messageIds!.length} message`);
    expect(await card.innerText()).toContain(f.cause!.toUpperCase());
    await page.locator('[data-testid="timeline-filter"] input').fill('failover');
    const row = page.locator('.sq-row[data-kind="failover"]').first();
    await row.waitFor({ timeout: 10_000 });
    expect(await row.innerText()).toContain(`${f.from} ${f.cause} → work moved to ${f.to}`);
    await row.click();
    await shot(page, 'replicas-dark');
    await page.evaluate(() => document.body.classList.replace('vscode-dark', 'vscode-light'));
    await shot(page, 'replicas-light');
    await page.context().close();
  }, 60_000);

  it('opens a saved run and scrubs it back and forth', async () => {
    const page = await studio.open({ view: 'replay', theme: 'light' });
    await page.locator('[data-run]', { hasText: 'loan-pricing-deadlock' }).first().click();
    const scrubber = page.locator('[data-testid="scrubber"]');
    await page.waitForSelector('[data-testid="scrubber"]:not([disabled])');
    const [, last] = /(\d+) \/ (\d+)/.exec(await page.locator('[data-testid="replay-seq"]').innerText()) ?? [];
    expect(Number(last)).toBeGreaterThan(5);
    await expect.poll(() => page.locator('.sq-node.deadlocked').count(), { timeout: 15_000 }).toBe(3);
    await scrubber.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => page.locator('[data-testid="replay-seq"]').innerText()).toBe(`1 / ${last}`);
    expect(await page.locator('.sq-node.deadlocked').count()).toBe(0);
    expect(await page.locator('[data-testid="timeline-count"]').innerText()).toContain('1 events');
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('[data-testid="replay-seq"]').innerText()).toBe(`7 / ${last}`);
    expect(await page.locator('[data-testid="timeline-count"]').innerText()).toContain('7 events');
    await shot(page, 'replay-light');
    await page.keyboard.press('End');
    await expect.poll(() => page.locator('.sq-node.deadlocked').count()).toBe(3);
    await page.context().close();
  }, 30_000);
  it('edits an agent in the inspector: a VS Code text field, and the instructions in Monaco', async () => {
    const page = await studio.open({ path: MEMO, theme: 'dark' });
    await page.locator('.react-flow__node:has([data-agent="financials"])').click();
    await page.waitForSelector('[data-testid="instructions-editor"][data-ready="true"]', { timeout: 15_000 });
    await page.locator('#sq-field-description input').fill('Computes leverage, coverage and liquidity ratios.');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="save-state"][data-dirty="true"]');
    await page.click('[data-testid="save"]');
    await expect.poll(() => readFile(join(studio.workspace, MEMO), 'utf8'), { timeout: 10_000 }).toContain('description: Computes leverage, coverage and liquidity ratios.');
    await page.locator('[data-testid="instructions-editor"] .monaco-editor').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('\nShow every ratio to two decimals.');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('[data-testid="save-state"][data-dirty="true"]');
    await page.click('[data-testid="save"]');
    await expect.poll(() => readFile(join(studio.workspace, MEMO), 'utf8'), { timeout: 10_000 }).toContain('Show every ratio to two decimals.');
    const after = await readFile(join(studio.workspace, MEMO), 'utf8');
    expect(after).toContain('# a reasoning model thinks before it speaks');
    // The edit lands in financials' instructions: the new line sits between its own text and the next agent.
    const financials = after.slice(after.indexOf('  financials:'), after.indexOf('  collateral:'));
    expect(financials).toContain('Show every ratio to two decimals.');
    await shot(page, 'inspector-dark');
    await page.context().close();
  }, 40_000);

  it('forks a saved run at the shown step through the server and opens the fork', async () => {
    const parent = await finishedRun(3);
    const page = await studio.open({ view: 'replay', theme: 'light' });
    await page.locator(`[data-run="${parent}"]`).click();
    await page.waitForSelector('[data-testid="scrubber"]:not([disabled])');
    await page.locator('[data-testid="scrubber"]').focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < 19; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('[data-testid="replay-seq"]').innerText()).toMatch(/^20 \//);
    await page.locator('[data-testid="fork"]').click();
    await page.waitForSelector('.sq-toast', { timeout: 20_000 });
    const toast = await page.locator('.sq-toast').innerText();
    const forkId = /as (\S+) \(completed\)/.exec(toast)?.[1];
    expect(toast).toContain(`forked ${parent} at event 20`);
    expect(forkId).toBeTruthy();
    // The fork is open: selected in the list, its own journal on the scrubber.
    await page.waitForSelector(`[data-run="${forkId}"][aria-current="true"]`);
    await page.waitForSelector('[data-testid="scrubber"]:not([disabled])');
    const [parentTypes, forkTypes] = await Promise.all([eventTypes(parent), eventTypes(forkId!)]);
    expect(forkTypes.filter((t) => t !== 'run.forked').slice(0, 20)).toEqual(parentTypes.slice(0, 20));
    expect(forkTypes).toContain('run.forked');
    const [, last] = /\d+ \/ (\d+)/.exec(await page.locator('[data-testid="replay-seq"]').innerText()) ?? [];
    expect(Number(last)).toBe(forkTypes.length);
    await shot(page, 'fork-light');
    await page.context().close();
  }, 60_000);

  it('diffs two runs side by side: where they part, both versions of that event, and the cost of each', async () => {
    const parent = await finishedRun(8);
    // A fork with an edited checker goes its own way from the checker's first model call.
    const events = (await api<{ events: { type: string; squad?: { source: string } }[] }>('GET', `/api/runs/${parent}/journal?limit=10000`)).events;
    const source = events[0]!.squad!.source.replace('You are the credit risk reviewer.', "You are the bank's credit risk reviewer, and you are thorough.");
    expect(source).not.toBe(events[0]!.squad!.source);
    const edited = await api<{ journal: string }>('POST', `/api/runs/${parent}/fork`, { atSeq: 3, source });
    for (const theme of ['dark', 'light'] as const) {
      const page = await studio.open({ view: 'replay', theme });
      await page.locator(`[data-run="${parent}"]`).click();
      await page.waitForSelector('[data-testid="scrubber"]:not([disabled])');
      await compareWith(page, edited.journal);
      const summary = page.locator('[data-testid="diff-summary"]');
      await summary.waitFor();
      const [, shared, at] = /share (\d+) events and part at event (\d+)/.exec(await summary.innerText()) ?? [];
      expect(Number(shared)).toBeGreaterThan(3);
      expect(Number(at)).toBe(Number(shared) + 1);
      // Both versions of the parting event, the differing field marked on both sides.
      const marked = page.locator('[data-testid="diff-parting"] [data-differs="true"]');
      expect(await marked.count()).toBeGreaterThan(0);
      expect(await page.locator('[data-testid="diff-parting"] [data-field="type"]').innerText()).toContain('model.request');
      const totals = page.locator('[data-testid="diff-totals"] [data-metric="cost"]');
      expect(await totals.innerText()).toMatch(/\$[\d.]+\s+\$[\d.]+/);
      await page.waitForSelector('[data-testid="diff-agent-checker"]');
      // Both runs named by their run ids, in the legend and in the parting event's column headers.
      const ids = await api<{ a: { runId: string }; b: { runId: string } }>('GET', `/api/diff?a=${encodeURIComponent(parent)}&b=${encodeURIComponent(edited.journal)}`);
      expect(await page.locator('[data-testid="diff-run-a"]').textContent()).toBe(ids.a.runId);
      expect(await page.locator('[data-testid="diff-run-b"]').textContent()).toBe(ids.b.runId);
      const heads = await page.locator('[data-testid="diff-parting"] [role="columnheader"]').allTextContents();
      expect(heads.map((h) => h.trim())).toEqual(['field', ids.a.runId, ids.b.runId]);
      await shot(page, `diff-${theme}`);
      // Escape closes the diff and the replay is back.
      await page.locator('[data-testid="diff-summary"]').click();
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid="diff"]', { state: 'detached' });
      await page.waitForSelector('[data-testid="timeline-count"]');
      await page.context().close();
    }
  }, 60_000);

  it('asks before deleting an agent others name, removes the references with it, and Ctrl+Z in the graph brings it all back; nothing is saved', async () => {
    const before = await readFile(join(studio.workspace, DEADLOCK), 'utf8');
    const page = await studio.open({ path: DEADLOCK, theme: 'dark', width: 1400 });
    await page.waitForSelector('.sq-node[data-agent="treasury"]');
    await page.locator('.react-flow__node:has([data-agent="treasury"])').click();
    await page.keyboard.press('Delete');
    const dialog = page.locator('[data-testid="delete-agent-dialog"]');
    await dialog.waitFor();
    // Each place that names treasury, with its line.
    const text = await dialog.innerText();
    for (const from of ['pricing', 'risk']) expect(text).toContain(from);
    expect(await dialog.locator('li').count()).toBe(4);
    await shot(page, 'delete-agent-dialog-dark');
    await page.click('[data-testid="delete-with-references"]');
    await page.waitForSelector('.sq-node[data-agent="treasury"]', { state: 'detached' });
    // No dangling reference is left for the parser to flag, and the file on disk is as it was.
    expect(await page.locator('[data-testid="problem-count"]').innerText()).toContain('0 problems');
    await page.waitForSelector('[data-testid="save-state"][data-dirty="true"]');
    expect(await readFile(join(studio.workspace, DEADLOCK), 'utf8')).toBe(before);
    // Ctrl+Z with the graph focused: the agent, its script and its references are back.
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 200 } });
    await page.keyboard.press('Control+z');
    await page.waitForSelector('.sq-node[data-agent="treasury"]');
    await page.waitForSelector('[data-testid="save-state"][data-dirty="false"]');
    await page.keyboard.press('Control+Shift+z');
    await page.waitForSelector('.sq-node[data-agent="treasury"]', { state: 'detached' });
    await page.click('[data-testid="undo"]');
    await page.waitForSelector('.sq-node[data-agent="treasury"]');
    expect(await readFile(join(studio.workspace, DEADLOCK), 'utf8')).toBe(before);
    // Cancel leaves everything as it is.
    await page.locator('.react-flow__node:has([data-agent="risk"])').click();
    await page.keyboard.press('Delete');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.locator('.sq-node[data-agent="risk"]').count()).toBe(1);
    await page.context().close();
  }, 40_000);

  it('a wrong token says the page’s token is not the server’s and how to get a new link', async () => {
    const context = await studio.browser.newContext({ viewport: { width: 800, height: 700 } });
    const page = await context.newPage();
    await page.goto(`${studio.server.url}/?view=editor#token=${'0'.repeat(43)}`);
    const notice = page.locator('[data-testid="token-rejected"]');
    await notice.waitFor();
    const text = await notice.innerText();
    expect(text).toContain("This page's token is not the server's");
    expect(text).toContain('squad serve');
    expect(text).toContain('.squad/server.json');
    expect(await page.locator('text=No squad file').count()).toBe(0);
    await shot(page, 'token-rejected-light');
    // "Enter another token" asks for one; the server's own token opens the workspace.
    await page.click('[data-testid="enter-token"]');
    await page.locator('input[aria-label="Server token"]').fill(studio.server.token);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="graph"]');
    await context.close();
  }, 30_000);

  it('a run opened by id shows that run’s file, profile and seed, and ▶ Run re-runs exactly it', async () => {
    const { run } = await api<{ run: { id: string } }>('POST', '/api/runs', { file: DEADLOCK, seed: 790056773, profile: 'staging' });
    await expect.poll(async () => (await api<{ run: { state: string } }>('GET', `/api/runs/${run.id}`)).run.state, { timeout: 20_000 }).toMatch(/^(completed|failed|halted|cancelled)$/);
    const page = await studio.open({ view: 'run', theme: 'light', width: 1400 });
    await page.goto(`${studio.server.url}/?view=run&run=${encodeURIComponent(run.id)}&theme=light#token=${encodeURIComponent(studio.server.token)}`);
    await page.waitForSelector(`[data-testid="run-state"][data-run-id="${run.id}"]`);
    await page.waitForSelector(`[data-testid="file-picker"][data-value="${DEADLOCK}"]`);
    await expect.poll(() => page.locator('#sq-seed input').inputValue()).toBe('790056773');
    expect(await page.locator('[data-testid="rerun-note"]').innerText()).toBe('re-runs the run shown');
    await page.click('[data-testid="start-run"]');
    // The new run's own journal (the same inputs: the same execution id, a handle of its own).
    await expect.poll(() => page.locator('[data-testid="run-state"]').getAttribute('data-run-id'), { timeout: 20_000 }).not.toBe(run.id);
    const again = await page.locator('[data-testid="run-state"]').getAttribute('data-run-id');
    const detail = await api<{ run: { file: string; seed: number; profile: string } }>('GET', `/api/runs/${again}`);
    expect(detail.run).toMatchObject({ file: DEADLOCK, seed: 790056773, profile: 'staging' });
    // A changed input is named before it is run.
    await page.locator('#sq-seed input').fill('2');
    await expect.poll(() => page.locator('[data-testid="rerun-note"]').innerText()).toContain('seed 2 (was 790056773)');
    await page.context().close();
  }, 60_000);
});
