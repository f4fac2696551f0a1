import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { layoutProblems, layoutReport, RUN_BAR_ONE_LINE, type LayoutReport } from '../../scripts/e2e/layoutChecks';
import { ARTIFACTS, startStudio, type Studio } from './studioHarness';

const MEMO = 'credit-memo.squad.yaml';
const DEADLOCK = 'failure-modes/deadlock-loan-pricing.squad.yaml';
const CHATTER = 'failure-modes/chatter-claims-triage.squad.yaml';
const WIDTHS = [480, 800, 1400] as const;
const THEMES = ['dark', 'light'] as const;

/**
 * Every view of the web app (the graph editor, a run's dashboard with its costs, timeline and tool
 * latency, a deadlocked and a chattering run, the forecast, the saved runs, replay and diff, the fleet)
 * at the widths people use it (a phone-sized window or a panel beside an
 * editor, a split, a full screen), in both themes, checked from the DOM (scripts/e2e/layoutChecks.ts):
 * no two nodes overlap, nothing reaches past the window, nodes are readable (≥ 120 px, text ≥ 11 px),
 * labels sit on their edges, the edge a guardrail tripped on is marked, a graph that fits its pane is
 * framed whole (no sideways scroll), the run bar keeps its groups on one line each (both on one from
 * 1,200 px). Screenshots in artifacts/webview/layout/.
 */
describe('web app layout at 480, 800 and 1,400 px', () => {
  let studio: Studio;
  const runs: Record<string, string> = {};
  beforeAll(async () => {
    studio = await startStudio({
      [MEMO]: 'samples/credit-memo/credit-memo.squad.yaml',
      [DEADLOCK]: 'samples/failure-modes/deadlock-loan-pricing.squad.yaml',
      [CHATTER]: 'samples/failure-modes/chatter-claims-triage.squad.yaml',
    });
    for (const [name, file] of [
      ['deadlock', DEADLOCK],
      ['chatter', CHATTER],
    ] as const) {
      const started = await fetch(`${studio.server.url}/api/runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${studio.server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ file, seed: 1 }),
      });
      const body = (await started.json()) as { run: { id: string } };
      runs[name] = body.run.id;
    }
    // Two finished runs of the credit memo (the dashboard with its costs, timeline and tool latency; a diff).
    for (const seed of [1, 2]) {
      const started = await fetch(`${studio.server.url}/api/runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${studio.server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ file: MEMO, seed }),
      });
      runs[`memo${seed}`] = ((await started.json()) as { run: { id: string } }).run.id;
    }
    for (const id of Object.values(runs))
      await vi.waitFor(
        async () => {
          const res = await fetch(`${studio.server.url}/api/runs/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${studio.server.token}` } });
          const { state } = ((await res.json()) as { run: { state: string } }).run;
          if (!/^(completed|failed|halted|cancelled)$/.test(state)) throw new Error(`${id} is ${state}`);
        },
        { timeout: 30_000, interval: 50 },
      );
  }, 90_000);
  afterAll(async () => {
    await studio?.dispose();
  });

  /** A view without a graph (the runs list, a diff, the fleet): nothing past the window, no sideways scroll. */
  async function checkPage(page: Page, name: string): Promise<void> {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const report = await layoutReport(page);
    await page.screenshot({ path: join(ARTIFACTS, 'layout', `${name}.png`), fullPage: false });
    expect(layoutProblems(report), name).toEqual([]);
  }

  async function check(page: Page, name: string): Promise<LayoutReport> {
    // The graph is framed a frame after its nodes are measured and laid out again.
    await page.waitForSelector('.react-flow__node');
    await page.waitForFunction(
      () => document.querySelectorAll('.react-flow__node').length > 0 && [...document.querySelectorAll('.react-flow__node')].every((n) => (n as HTMLElement).style.visibility !== 'hidden'),
    );
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    // A node measured taller than laid out is laid out again (its nodes hidden until measured): read
    // the report once the graph is drawn.
    let report = await layoutReport(page);
    await expect
      .poll(
        async () => {
          report = await layoutReport(page);
          return report.nodes;
        },
        { timeout: 10_000 },
      )
      .toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(ARTIFACTS, 'layout', `${name}.png`), fullPage: false });
    expect(layoutProblems(report), name).toEqual([]);
    return report;
  }

  for (const width of WIDTHS) {
    for (const theme of THEMES) {
      it(`editor at ${width} px, ${theme}`, async () => {
        const page = await studio.open({ path: MEMO, theme, width, height: 900 });
        await page.waitForSelector('.monaco-editor');
        const report = await check(page, `editor-${width}-${theme}`);
        // At 1,400 px the credit memo (three layers of agents) fits its pane at 100 %: framed whole, it
        // does not scroll sideways (it was 1,098 px in a 1,060 px pane).
        if (width === 1400) expect(report.graphs[0]!.drawing, JSON.stringify(report.graphs)).toBeLessThanOrEqual(report.graphs[0]!.pane);
        // Below 800 px the panes stack: the inspector is below the graph, as wide as the window.
        const side = await page.locator('.sq-side').boundingBox();
        const graph = await page.locator('[data-testid="graph"]').boundingBox();
        if (!side || !graph) throw new Error('no inspector or graph');
        if (width < 800) expect(side.y).toBeGreaterThanOrEqual(graph.y + graph.height - 1);
        else expect(side.x).toBeGreaterThanOrEqual(graph.x + graph.width - 1);
        await page.context().close();
      }, 40_000);

      it(`deadlock run at ${width} px, ${theme}`, async () => {
        const page = await studio.open({ view: 'run', theme, width, height: 900 });
        await page.goto(`${studio.server.url}/?view=run&theme=${theme}&run=${encodeURIComponent(runs.deadlock!)}#token=${encodeURIComponent(studio.server.token)}`);
        await expect.poll(() => page.locator('.react-flow__edge.sq-edge-deadlock').count(), { timeout: 15_000 }).toBe(3);
        const report = await check(page, `deadlock-${width}-${theme}`);
        expect(report.labels).toBeGreaterThan(0);
        await page.waitForSelector('.sq-banner');
        await page.context().close();
      }, 40_000);

      it(`chatter run at ${width} px, ${theme}: the tripped edge in the trip's colour with its figures`, async () => {
        const page = await studio.open({ view: 'run', theme, width, height: 900 });
        await page.goto(`${studio.server.url}/?view=run&theme=${theme}&run=${encodeURIComponent(runs.chatter!)}#token=${encodeURIComponent(studio.server.token)}`);
        // attached: a straight edge has no height, which Playwright counts as not visible.
        await page.waitForSelector('.react-flow__edge.sq-edge-tripped', { state: 'attached', timeout: 15_000 });
        const report = await check(page, `chatter-${width}-${theme}`);
        const red = await page.evaluate(() => getComputedStyle(document.body).getPropertyValue('--vscode-charts-red').trim());
        const tripped = report.tripped.find((t) => t.id.includes('intake>adjuster'));
        expect(tripped, JSON.stringify(report.tripped)).toBeDefined();
        expect(tripped!.label).toMatch(/chatter\s+\d+ msg · \d+ tok/);
        expect(rgb(tripped!.stroke)).toBe(rgb(red));
        await page.context().close();
      }, 40_000);

      it(`dashboard (costs, timeline, tool latency) at ${width} px, ${theme}`, async () => {
        const page = await studio.open({ view: 'run', theme, width, height: 900 });
        await page.goto(`${studio.server.url}/?view=run&theme=${theme}&run=${encodeURIComponent(runs.memo1!)}#token=${encodeURIComponent(studio.server.token)}`);
        await page.waitForSelector('[data-testid="run-state"][data-state="completed"]', { timeout: 15_000 });
        await page.waitForSelector('[data-testid="tool-bureau.credit_score"]');
        const report = await check(page, `dashboard-${width}-${theme}`);
        if (width === 1400) expect(report.graphs[0]!.drawing, JSON.stringify(report.graphs)).toBeLessThanOrEqual(report.graphs[0]!.pane);
        // The run bar (form, then the run's state and controls): one line at 1,400 px (Step and Cancel
        // wrapped onto a second once), each group whole on its line at 800 px.
        if (width >= RUN_BAR_ONE_LINE) expect(report.runBar).toEqual({ rows: 1, brokenGroups: [] });
        else if (width >= 800) expect(report.runBar).toEqual({ rows: 2, brokenGroups: [] });
        // The cost column, the timeline and the latency panel are all inside the window.
        for (const part of ['.sq-side', '.sq-bottom', '[data-testid="tool-bureau.credit_score"]']) {
          const box = (await page.locator(part).first().boundingBox())!;
          expect(box.x + box.width, part).toBeLessThanOrEqual(width + 1);
        }
        await page.context().close();
      }, 40_000);

      it(`forecast at ${width} px, ${theme}`, async () => {
        const page = await studio.open({ view: 'run', path: MEMO, theme, width, height: 900 });
        await page.locator('[data-testid="forecast-toggle"]').click();
        await page.locator('[data-testid="forecast-seeds"] input').fill('6');
        await page.locator('[data-testid="forecast-run"]').click();
        await page.locator('[data-testid="forecast-result"]').waitFor({ timeout: 60_000 });
        await checkPage(page, `forecast-${width}-${theme}`);
        const panel = (await page.locator('[data-testid="forecast-panel"]').boundingBox())!;
        expect(panel.x + panel.width).toBeLessThanOrEqual(width + 1);
        // The chart scales with its pane (a viewBox), but its labels stay near the panel's text size:
        // stacked in one column (below 800 px and in a narrow split) it must not blow them up.
        const labelPx = await page.locator('[data-testid="cost-histogram"] text').evaluateAll((ts) => ts.map((t) => t.getBoundingClientRect().height));
        expect(Math.max(...labelPx), `chart label heights ${labelPx.map((h) => h.toFixed(1)).join(', ')} px`).toBeLessThanOrEqual(18);
        await page.context().close();
      }, 90_000);

      it(`runs list and diff at ${width} px, ${theme}`, async () => {
        const page = await studio.open({ view: 'replay', theme, width, height: 900 });
        await page.locator(`[data-run="${runs.memo1}"]`).waitFor();
        await checkPage(page, `runs-${width}-${theme}`);
        // Below 800 px the saved runs sit above the replay, as wide as the window.
        const list = (await page.locator('.sq-replay-runs').boundingBox())!;
        if (width < 800) expect(list.width).toBeGreaterThan(width - 2);
        else expect(list.width).toBeLessThan(width / 2);
        await page.locator(`[data-run="${runs.memo1}"]`).click();
        await page.waitForSelector('[data-testid="scrubber"]:not([disabled])');
        // The compare picker lists the same squad's runs first: the other credit-memo run is the first option after the prompt.
        const values = await page.locator('[data-testid="compare"] vscode-option').evaluateAll((os) => os.map((o) => (o as HTMLElement & { value: string }).value));
        expect(values[1]).toBe(runs.memo2);
        await page.locator('[data-testid="compare"]').click();
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        await page.waitForSelector('[data-testid="diff-totals"]', { timeout: 15_000 });
        await checkPage(page, `diff-${width}-${theme}`);
        await page.context().close();
      }, 60_000);

      it(`fleet at ${width} px, ${theme}`, async () => {
        const page = await studio.open({ view: 'fleet', theme, width, height: 900 });
        await page.locator('[data-testid="fleet-view"]').waitFor();
        await page.locator('[data-testid^="fleet-tenant-"]').first().waitFor({ timeout: 15_000 });
        await checkPage(page, `fleet-${width}-${theme}`);
        await page.context().close();
      }, 40_000);

      it(`replay at ${width} px, ${theme}`, async () => {
        const page = await studio.open({ view: 'replay', theme, width, height: 900 });
        await page.locator(`[data-run="${runs.deadlock}"]`).click();
        await page.waitForSelector('[data-testid="scrubber"]:not([disabled])');
        await check(page, `replay-${width}-${theme}`);
        // The deadlock banner is inside the window (it was cut off beside the runs list at 480 px).
        const banner = (await page.locator('.sq-banner').boundingBox())!;
        expect(banner.x + banner.width).toBeLessThanOrEqual(width + 1);
        if (width === 1400) {
          // Beside the saved runs the three agents scroll sideways; with them hidden (☰) the graph is
          // framed whole in its pane, again once the pane has widened.
          await page.locator('[data-testid="toggle-runs"]').click();
          await expect.poll(async () => (await layoutReport(page)).graphs[0]?.pane ?? 0).toBeGreaterThan(1000);
          await expect.poll(async () => (await layoutReport(page)).graphsPastPane).toEqual([]);
          const hidden = await check(page, `replay-${width}-${theme}-runs-hidden`);
          expect(hidden.graphs[0]!.drawing, JSON.stringify(hidden.graphs)).toBeLessThanOrEqual(hidden.graphs[0]!.pane);
        }
        await page.context().close();
      }, 40_000);
    }
  }

  // The deadlock squad: three agents, which fit a 1,400 px window at 100 % (the credit memo is wider and scrolls).
  it('re-fits the graph when its pane changes size', async () => {
    const page = await studio.open({ path: DEADLOCK, theme: 'dark', width: 540, height: 800 });
    await page.waitForSelector('.react-flow__node');
    await page.setViewportSize({ width: 1400, height: 800 });
    // Wider pane: the whole graph fits at 100 % and is centred, no node off the pane.
    await expect
      .poll(async () => {
        const pane = (await page.locator('[data-testid="graph"]').boundingBox())!;
        const boxes = await page.locator('.react-flow__node').evaluateAll((ns) => ns.map((n) => n.getBoundingClientRect().toJSON() as DOMRect));
        return boxes.every((b) => b.left >= pane.x && b.right <= pane.x + pane.width);
      })
      .toBe(true);
    await page.context().close();
  }, 30_000);
});

/** `#f14c4c` or `rgb(241, 76, 76)` as `r,g,b`. */
function rgb(color: string): string {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color.trim());
  if (hex)
    return hex
      .slice(1)
      .map((h) => parseInt(h, 16))
      .join(',');
  return (color.match(/\d+/g) ?? []).slice(0, 3).join(',');
}
