import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { startStudio } from '../webview/e2e/studioHarness';
import { syntheticRun } from '../webview/model/syntheticRun';

const MEMO = 'samples/credit-memo/credit-memo.squad.yaml';

export interface WebviewRenderResult {
  events: number;
  /** From navigation to the replay view showing every event (journal read, folded, first paint). */
  renderMs: number;
  /** Scrubbing from the end back to the middle (a refold of half the run) until painted. */
  scrubMs: number;
}

/**
 * Time to render a saved run of `events` events in the browser: the real server serves the app and
 * the journal (`.squad/runs/<id>.jsonl`), headless Chromium opens it in the replay view.
 */
export async function benchWebviewRender(events = 100_000): Promise<WebviewRenderResult> {
  const studio = await startStudio({ 'credit-memo.squad.yaml': MEMO });
  try {
    const journal = syntheticRun(events, 'bench-render', readFileSync(MEMO, 'utf8'));
    await mkdir(join(studio.workspace, '.squad', 'runs'), { recursive: true });
    await writeFile(join(studio.workspace, '.squad', 'runs', 'bench-render.jsonl'), journal.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const label = `${journal.length.toLocaleString('en-US')} events`;
    const started = performance.now();
    const page = await studio.open({ view: 'replay', theme: 'dark' });
    await page.locator('[data-run="bench-render"]').click();
    await page.waitForFunction((text) => document.querySelector('[data-testid="timeline-count"]')?.textContent.includes(text), label, { timeout: 120_000 });
    const renderMs = performance.now() - started;
    const middle = Math.floor(journal.length / 2);
    const scrubStarted = performance.now();
    await page.locator('[data-testid="scrubber"]').fill(String(middle));
    await page.waitForFunction((text) => document.querySelector('[data-testid="replay-seq"]')?.textContent.startsWith(text), `${middle} /`, { timeout: 60_000 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
    return { events: journal.length, renderMs, scrubMs: performance.now() - scrubStarted };
  } finally {
    await studio.dispose();
  }
}

export interface WebviewStreamResult {
  eventsPerSecond: number;
  sent: number;
  /** Events the page folded by the end: equal to `sent` when nothing was dropped. */
  folded: number;
  framesPerSecond: number;
  /** The longest gap between two frames while streaming. */
  worstFrameMs: number;
}

/**
 * Frame rate while a run streams `eventsPerSecond` into the dashboard for `seconds`. The page runs as
 * inside VS Code: a stand-in `acquireVsCodeApi` answers the bridge and posts `run.events` messages
 * every 10 ms, through the same schema checks and per-frame batching as a real host's.
 */
export async function benchWebviewStream(eventsPerSecond = 2000, seconds = 5): Promise<WebviewStreamResult> {
  const studio = await startStudio({ 'credit-memo.squad.yaml': MEMO });
  try {
    const total = eventsPerSecond * seconds;
    const events = syntheticRun(total, 'bench-stream', readFileSync(MEMO, 'utf8'));
    const context = await studio.browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.addInitScript(
      ({ events, perTick, source }) => {
        const w = window as unknown as Record<string, unknown>;
        const post = (data: unknown): void => window.postMessage(data, '*');
        w.__bench = { frames: [] as number[], sent: 0 };
        const bench = w.__bench as { frames: number[]; sent: number };
        w.acquireVsCodeApi = () => ({
          postMessage(m: { kind: string; id?: number; method?: string }) {
            if (m.kind !== 'request') return;
            const results: Record<string, unknown> = {
              'squad.list': { files: ['credit-memo.squad.yaml'] },
              'squad.open': { path: 'credit-memo.squad.yaml', text: source, version: 1 },
              'layout.load': { layout: null },
              'run.unsubscribe': {},
              'tenants.list': { tenants: [] },
            };
            if (m.method === 'run.subscribe') {
              post({ kind: 'response', id: m.id, ok: true, result: {} });
              let at = 0;
              const frame = (t: number): void => {
                bench.frames.push(t);
                requestAnimationFrame(frame);
              };
              requestAnimationFrame(frame);
              const timer = setInterval(() => {
                const batch = events.slice(at, at + perTick);
                at += batch.length;
                bench.sent = at;
                post({ kind: 'event', event: { type: 'run.events', sub: 'live-bench-stream', run: 'bench-stream', events: batch } });
                if (at >= events.length) clearInterval(timer);
              }, 10);
              return;
            }
            post({ kind: 'response', id: m.id, ok: true, result: results[m.method ?? ''] ?? {} });
          },
        });
      },
      { events, perTick: Math.max(1, Math.round(eventsPerSecond / 100)), source: readFileSync(MEMO, 'utf8') },
    );
    const cdp = process.env.SQUAD_BENCH_PROFILE ? await context.newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    await page.goto(`${studio.server.url}/?view=run&path=credit-memo.squad.yaml&run=bench-stream&theme=dark`);
    await page.waitForFunction((n) => (window as unknown as { __bench: { sent: number } }).__bench.sent >= n, events.length, { timeout: seconds * 1000 + 60_000 });
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      const self = new Map<string, number>();
      const dt = profile.timeDeltas ?? [];
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      (profile.samples ?? []).forEach((id, i) => {
        const n = byId.get(id);
        const key = `${n?.callFrame.functionName || '(anon)'} ${n?.callFrame.url.split('/').pop()}:${n?.callFrame.lineNumber}`;
        self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
      });
      console.log(
        [...self]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 25)
          .map(([k, v]) => `${v.toFixed(0)}ms ${k}`)
          .join('\n'),
      );
    }
    await page.waitForFunction((text) => document.querySelector('[data-testid="timeline-count"]')?.textContent.includes(text), `${events.length.toLocaleString('en-US')} events`, { timeout: 30_000 });
    const frames = await page.evaluate(() => (window as unknown as { __bench: { frames: number[] } }).__bench.frames);
    const span = (frames.at(-1) ?? 0) - (frames[0] ?? 0);
    let worst = 0;
    for (let i = 1; i < frames.length; i++) worst = Math.max(worst, frames[i]! - frames[i - 1]!);
    const folded = Number((await page.locator('[data-testid="timeline-count"]').innerText()).match(/([\d,]+) events/)?.[1]?.replace(/,/g, '') ?? 0);
    return { eventsPerSecond, sent: events.length, folded, framesPerSecond: span > 0 ? ((frames.length - 1) * 1000) / span : 0, worstFrameMs: worst };
  } finally {
    await studio.dispose();
  }
}
