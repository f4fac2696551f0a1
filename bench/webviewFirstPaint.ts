import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { startStudio } from '../webview/e2e/studioHarness';
import { syntheticRun } from '../webview/model/syntheticRun';
import { median } from './measure';

const MEMO = 'samples/credit-memo/credit-memo.squad.yaml';

export interface FirstPaintRow {
  /** What was opened: the graph editor of the credit memo, or a saved run's dashboard (replay). */
  view: 'editor' | 'replay';
  /** CPU slowdown applied to the page (Chromium's own throttling): 1 = this machine, 4 ≈ a loaded one. */
  cpuSlowdown: number;
  /** Median ms from navigation to the first agent node's name painted (Element Timing). */
  appMs: number;
  /** Median ms from navigation to the text of an empty page on the same server painted, side by side. */
  emptyMs: number;
  /** appMs / emptyMs: what the app costs over the page it is loaded into. */
  ratio: number;
  rounds: number;
}

/** An empty page at the server's origin: the peer every round is measured against (HTML, one text). */
const EMPTY = '<!doctype html><meta charset="utf-8"><body><p elementtiming="sq-agent">empty</p></body>';

/**
 * First paint of the web app against an empty page, alternating in one browser: navigation to the
 * first painted agent name (the browser's Element Timing, so a busy main thread after the paint does
 * not count) for the graph editor and for a saved run's dashboard, at this machine's speed and at a
 * 4× CPU slowdown (what a loaded 2-core machine, or code-server's webview under load, gives).
 */
export async function benchWebviewFirstPaint(rounds = 5): Promise<FirstPaintRow[]> {
  const studio = await startStudio({ 'credit-memo.squad.yaml': MEMO });
  try {
    const journal = syntheticRun(2000, 'bench-first-paint', readFileSync(MEMO, 'utf8'));
    await mkdir(join(studio.workspace, '.squad', 'runs'), { recursive: true });
    await writeFile(join(studio.workspace, '.squad', 'runs', 'bench-first-paint.jsonl'), journal.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const base = studio.server.url;
    const hash = `#token=${encodeURIComponent(studio.server.token)}`;
    const urls = {
      editor: `${base}/?view=editor&path=credit-memo.squad.yaml&theme=dark${hash}`,
      replay: `${base}/?view=replay&run=bench-first-paint&theme=dark${hash}`,
    };
    const rows: FirstPaintRow[] = [];
    for (const cpuSlowdown of [1, 4]) {
      for (const view of ['editor', 'replay'] as const) {
        const app: number[] = [];
        const empty: number[] = [];
        // A warm-up round of each (the browser's cache, the server's journal cache), then alternating.
        for (let i = 0; i <= rounds; i++) {
          const a = await paintOf(studio.browser, urls[view], cpuSlowdown);
          const e = await paintOf(studio.browser, `${base}/bench-empty`, cpuSlowdown);
          if (i === 0) continue;
          app.push(a);
          empty.push(e);
        }
        const appMs = median(app);
        const emptyMs = median(empty);
        rows.push({ view, cpuSlowdown, appMs, emptyMs, ratio: appMs / emptyMs, rounds });
      }
    }
    return rows;
  } finally {
    await studio.dispose();
  }
}

async function paintOf(browser: import('playwright-core').Browser, url: string, cpuSlowdown: number): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.route('**/bench-empty', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: EMPTY }));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
    await page.goto(url);
    return await firstElementPaint(page);
  } finally {
    await context.close();
  }
}

/** When the first `elementtiming="sq-agent"` text was painted, ms after navigation (buffered entries). */
function firstElementPaint(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no agent name painted within 120 s')), 120_000);
        new PerformanceObserver((list) => {
          const entry: (PerformanceEntry & { renderTime?: number }) | undefined = list.getEntries().find((e) => (e as PerformanceEntry & { identifier?: string }).identifier === 'sq-agent');
          if (!entry) return;
          clearTimeout(timer);
          resolve(entry.renderTime || entry.startTime);
        }).observe({ type: 'element', buffered: true });
      }),
  );
}
