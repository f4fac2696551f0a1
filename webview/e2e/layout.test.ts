import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutProblems, layoutReport, type LayoutReport } from '../../scripts/e2e/layoutChecks';
import { ARTIFACTS, startStudio, type Studio } from './studioHarness';

const MEMO = 'credit-memo.squad.yaml';
const DEADLOCK = 'failure-modes/deadlock-loan-pricing.squad.yaml';
const CHATTER = 'failure-modes/chatter-claims-triage.squad.yaml';
const WIDTHS = [480, 800, 1400] as const;
const THEMES = ['dark', 'light'] as const;

/**
 * Every view of the web app at the widths people use it (a phone-sized window or a panel beside an
 * editor, a split, a full screen), in both themes, checked from the DOM (scripts/e2e/layoutChecks.ts):
 * no two nodes overlap, nothing reaches past the window, nodes are readable (≥ 120 px, text ≥ 11 px),
 * labels sit on their edges, the edge a guardrail tripped on is marked. Screenshots in artifacts/webview/layout/.
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
  }, 60_000);
  afterAll(async () => {
    await studio?.dispose();
  });

  async function check(page: Page, name: string): Promise<LayoutReport> {
    // The graph is framed a frame after its nodes are measured and laid out again.
    await page.waitForSelector('.react-flow__node');
    await page.waitForFunction(
      () => document.querySelectorAll('.react-flow__node').length > 0 && [...document.querySelectorAll('.react-flow__node')].every((n) => (n as HTMLElement).style.visibility !== 'hidden'),
    );
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const report = await layoutReport(page);
    await page.screenshot({ path: join(ARTIFACTS, 'layout', `${name}.png`), fullPage: false });
    expect(layoutProblems(report), name).toEqual([]);
    expect(report.nodes).toBeGreaterThanOrEqual(2);
    return report;
  }

  for (const width of WIDTHS) {
    for (const theme of THEMES) {
      it(`editor at ${width} px, ${theme}`, async () => {
        const page = await studio.open({ path: MEMO, theme, width, height: 900 });
        await page.waitForSelector('.monaco-editor');
        await check(page, `editor-${width}-${theme}`);
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
        await page.waitForSelector('.react-flow__edge.sq-edge-tripped', { timeout: 15_000 });
        const report = await check(page, `chatter-${width}-${theme}`);
        const red = await page.evaluate(() => getComputedStyle(document.body).getPropertyValue('--vscode-charts-red').trim());
        const tripped = report.tripped.find((t) => t.id.includes('intake>adjuster'));
        expect(tripped, JSON.stringify(report.tripped)).toBeDefined();
        expect(tripped!.label).toMatch(/chatter\s+\d+ msg · \d+ tok/);
        expect(rgb(tripped!.stroke)).toBe(rgb(red));
        await page.context().close();
      }, 40_000);

      it(`replay at ${width} px, ${theme}`, async () => {
        const page = await studio.open({ view: 'replay', theme, width, height: 900 });
        await page.locator(`[data-run="${runs.deadlock}"]`).click();
        await page.waitForSelector('[data-testid="scrubber"]:not([disabled])');
        await check(page, `replay-${width}-${theme}`);
        await page.context().close();
      }, 40_000);
    }
  }

  it('re-fits the graph when its pane changes size', async () => {
    const page = await studio.open({ path: MEMO, theme: 'dark', width: 540, height: 800 });
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
