import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../scripts/e2e/launchChromium';
import { composeServer, type RunningServer } from '../../server/http/composeServer';
import { SquadClient } from '../../server/http/squadClient';
import { ARTIFACTS, REPO } from './studioHarness';

/**
 * The Fleet view in a real Chromium on the real server: a run held paused and one queued behind it
 * (tenant acme runs one at a time), a finished run that tripped guardrails; then the held run is
 * resumed and the view follows it from the stream until the queue is empty.
 */
let server: RunningServer;
let workspace: string;
let browser: Browser;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'squad-fleet-'));
  await copyFile(resolve(REPO, 'samples/credit-memo/credit-memo.squad.yaml'), join(workspace, 'credit-memo.squad.yaml'));
  await copyFile(resolve(REPO, 'samples/failure-modes/loop-kyc-review.squad.yaml'), join(workspace, 'loop.squad.yaml'));
  server = await composeServer({
    workspace,
    host: '127.0.0.1',
    port: 0,
    version: 'test',
    writeServerFile: false,
    shutdownGraceMs: 2000,
    webviewDir: join(REPO, 'dist', 'webview'),
    tenants: { defaults: {}, tenants: { acme: { maxConcurrentRuns: 1, dailyBudgetUsd: 2 } } },
  });
  browser = await launchChromium();
  await mkdir(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(workspace, { recursive: true, force: true });
});

describe('Fleet view', () => {
  it('shows runs in flight, the queue, spend against budget and trips, and follows the stream', async () => {
    const client = new SquadClient(server.url, server.token);
    const looped = await client.startRun({ file: 'loop.squad.yaml', seed: 4, tenant: 'globex' });
    for (let i = 0; i < 500 && !['completed', 'halted', 'failed'].includes((await client.run(looped.id)).state); i++) await new Promise((r) => setTimeout(r, 10));
    const held = await client.startRun({ file: 'credit-memo.squad.yaml', seed: 1, tenant: 'acme', paused: true });
    await client.startRun({ file: 'credit-memo.squad.yaml', seed: 2, tenant: 'acme' });

    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(`${server.url}/?view=fleet&theme=dark#token=${encodeURIComponent(server.token)}`);
    const view = page.getByTestId('fleet-view');
    await view.waitFor();
    await expect.poll(() => page.getByTestId('fleet-queue').innerText()).toMatch(/Queued\s*1\s*oldest/);
    expect(await page.getByTestId('fleet-in-flight').innerText()).toMatch(/Runs in flight\s*1\s*on 1 worker/);
    expect(await page.getByTestId('fleet-worker').innerText()).toContain(held.id);
    expect(await page.getByTestId('fleet-tenant-acme').innerText()).toContain('/ $2.00');
    expect(await page.getByTestId('fleet-tenant-globex').innerText()).toMatch(/\$0\.\d{4} \/ \$50\.00/);
    expect(await page.getByTestId('fleet-trips').innerText()).toMatch(/Trips, last hour\s*[1-9]/);
    expect(await page.getByTestId('fleet-trip-kind-loop').count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'fleet-dark.png') });

    // Resume the held run: the view sees it move and end on the stream, then the queued one run.
    await client.control(held.id, 'resume');
    await expect.poll(() => page.getByTestId('fleet-queue').innerText(), { timeout: 20_000 }).toMatch(/Queued\s*0\s*nothing waits/);
    await expect.poll(() => page.getByTestId('fleet-in-flight').innerText(), { timeout: 20_000 }).toMatch(/Runs in flight\s*0/);
    expect(await page.getByTestId('fleet-tenant-acme').innerText()).not.toContain('$0.0000 /');
    await context.close();
  });
});
