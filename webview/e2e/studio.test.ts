import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, startStudio, type Studio } from './studioHarness';

const MEMO = 'credit-memo.squad.yaml';
const DEADLOCK = 'failure-modes/deadlock-loan-pricing.squad.yaml';

/**
 * The web app end to end: the built bundle served by the real server (in-process, free 127.0.0.1
 * port), in headless Chromium. Screenshots go to artifacts/webview/ for a person to look at.
 * Waits are bounded waits for a state, never assertions about how long something took.
 */
describe('Squad Studio web app', () => {
  let studio: Studio;
  beforeAll(async () => {
    studio = await startStudio({ [MEMO]: 'samples/credit-memo/credit-memo.squad.yaml', [DEADLOCK]: 'samples/failure-modes/deadlock-loan-pricing.squad.yaml' });
  }, 30_000);
  afterAll(async () => {
    await studio?.dispose();
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

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
    const total = await page.locator('[data-testid="total-cost"]').innerText();
    expect(Number(total.replace('$', ''))).toBeGreaterThan(0);
    expect(Number((await page.locator('[data-testid="cost-planner"]').innerText()).replace('$', ''))).toBeGreaterThan(0);
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
    expect(await page.locator('.sq-node.deadlocked').count()).toBe(3);
    expect(await page.locator('.react-flow__edge.sq-edge-deadlock').count()).toBe(3);
    await shot(page, 'deadlock-dark');
    await page.context().close();
  }, 30_000);

  it('opens a saved run and scrubs it back and forth', async () => {
    const page = await studio.open({ view: 'replay', theme: 'light' });
    await page.locator('[data-run]', { hasText: 'loan-pricing-deadlock' }).first().click();
    const scrubber = page.locator('[data-testid="scrubber"]');
    await page.waitForSelector('[data-testid="scrubber"]:not([disabled])');
    const [, last] = /(\d+) \/ (\d+)/.exec(await page.locator('[data-testid="replay-seq"]').innerText()) ?? [];
    expect(Number(last)).toBeGreaterThan(5);
    expect(await page.locator('.sq-node.deadlocked').count()).toBe(3);
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
});
