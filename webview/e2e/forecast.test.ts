import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForecastSchema, type Forecast } from '../../protocol/api/forecastResponse';
import { layoutProblems, layoutReport } from '../../scripts/e2e/layoutChecks';
import { formatUsd } from '../model/formatUsd';
import { ARTIFACTS, startStudio, type Studio } from './studioHarness';

const MEMO = 'credit-memo.squad.yaml';
const SEEDS = 24;

/**
 * The forecast chart of the run view against the real server (POST /api/forecast, the same jobs and
 * fold as `squad forecast`) in headless Chromium: the cost distribution with p50/p95/p99 marked where
 * the server's figures put them, one bar per agent in cost order, at 1,280 and 480 px.
 */
describe('the forecast in the run view', () => {
  let studio: Studio;
  let expected: Forecast;
  const api = (body: unknown) =>
    fetch(`${studio.server.url}/api/forecast`, {
      method: 'POST',
      headers: { authorization: `Bearer ${studio.server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    studio = await startStudio({ [MEMO]: 'samples/credit-memo/credit-memo.squad.yaml' });
    // The same request the page makes (seeds 1…K are deterministic): the figures the chart must show.
    const res = await api({ file: MEMO, profile: 'local', runsPerDay: 10000, seeds: SEEDS });
    expect(res.status).toBe(200);
    expected = ForecastSchema.parse(await res.json());
  }, 120_000);
  afterAll(async () => {
    await studio?.dispose();
  });

  it('refuses bad input with the field that is wrong', async () => {
    const tooMany = await api({ file: MEMO, runsPerDay: 10, seeds: 5000 });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { field?: string }).field).toBe('seeds');
    const missing = await api({ file: 'nope.squad.yaml', runsPerDay: 10 });
    expect(missing.status).toBe(404);
    const profile = await api({ file: MEMO, runsPerDay: 10, profile: 'no-such-profile', seeds: 1 });
    expect(profile.status).toBe(400);
    expect(((await profile.json()) as { field?: string }).field).toBe('profile');
  });

  for (const width of [1280, 480]) {
    it(`draws the cost distribution with p50/p95/p99 and the cost per agent at ${width} px`, async () => {
      const page = await studio.open({ view: 'run', path: MEMO, theme: 'dark', width, height: 1000 });
      await page.locator('[data-testid="forecast-toggle"]').click();
      // Typed as a user does: the VS Code text field's inner input (its shadow root is open to locators).
      await page.locator('[data-testid="forecast-seeds"] input').fill(String(SEEDS));
      await page.locator('[data-testid="forecast-run"]').click();
      // In-view progress while the server runs the sample, then the result.
      const result = page.locator('[data-testid="forecast-result"]');
      await page.locator('[data-testid="forecast-pending"], [data-testid="forecast-result"], [data-testid="forecast-error"]').first().waitFor({ state: 'attached' });
      await page.locator('[data-testid="forecast-result"], [data-testid="forecast-error"]').first().waitFor({ timeout: 120_000 });
      expect(
        await page.locator('[data-testid="forecast-error"]').count(),
        (await page
          .locator('[data-testid="forecast-error"]')
          .textContent()
          .catch(() => '')) ?? '',
      ).toBe(0);
      expect(await result.getAttribute('data-runs')).toBe(String(SEEDS));

      // Every run is in one bin of the histogram.
      const bins = await page.locator('.sq-hist-bar').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-runs'))));
      expect(bins.reduce((a, b) => a + b, 0)).toBe(SEEDS);
      expect(bins).toEqual(expected.costHistogram.map((b) => b.runs));
      // The quantile marks at the server's figures, in order left to right.
      const marks: number[] = [];
      for (const q of ['p50', 'p95', 'p99'] as const) {
        const mark = page.locator(`[data-testid="mark-${q}"]`);
        expect(Number(await mark.getAttribute('data-usd'))).toBeCloseTo(expected.costPerRunUsd[q], 12);
        expect(await mark.textContent()).toContain(formatUsd(expected.costPerRunUsd[q]));
        marks.push((await mark.locator('line').boundingBox())!.x);
      }
      expect(marks[0]!).toBeLessThanOrEqual(marks[1]!);
      expect(marks[1]!).toBeLessThanOrEqual(marks[2]!);
      expect(await page.locator('[data-testid="forecast-mean"]').textContent()).toBe(formatUsd(expected.costPerRunUsd.mean));
      expect(await page.locator('[data-testid="forecast-month"]').textContent()).toBe(formatUsd(expected.costPerMonthUsd));

      // One bar per agent, dearest first, each as long as its share of the dearest.
      const rows = page.locator('.sq-forecast-agent');
      const names = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-agent')));
      const byCost = Object.entries(expected.agents).sort((a, b) => b[1].meanCostUsd - a[1].meanCostUsd);
      expect(names).toEqual(byCost.map(([n]) => n));
      expect(names.length).toBeGreaterThanOrEqual(4);
      const widths = await rows.evaluateAll((els) =>
        els.map((e) => (e.querySelector('.sq-bar') as HTMLElement).getBoundingClientRect().width / (e.querySelector('.sq-bar-track') as HTMLElement).getBoundingClientRect().width),
      );
      byCost.forEach(([, a], i) => expect(widths[i]!).toBeCloseTo(a.meanCostUsd / byCost[0]![1].meanCostUsd, 1));

      await page.screenshot({ path: join(ARTIFACTS, `forecast-${width}.png`) });
      // Nothing of the panel past the window's edge, no sideways scroll.
      const report = await layoutReport(page);
      expect(layoutProblems(report)).toEqual([]);
      const panel = (await page.locator('[data-testid="forecast-panel"]').boundingBox())!;
      expect(panel.x + panel.width).toBeLessThanOrEqual(width + 1);
      await page.context().close();
    }, 180_000);
  }
});
