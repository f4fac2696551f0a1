import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { RunInfo, RunState } from '../../../protocol/api/runInfo';
import type { TenantInfo } from '../../../protocol/api/tenantInfo';
import type { SquadLayout } from '../../../protocol/webview/squadLayout';
import type { Bridge } from '../../bridge/Bridge';
import { runDifferences } from '../../model/runDifferences';
import { RunStore } from '../../model/runStore';
import { VsButton } from '../controls/VsButton';
import { VsSelect } from '../controls/VsSelect';
import { VsTextField } from '../controls/VsTextField';
import { ForecastPanel } from './ForecastPanel';
import { PendingRunGraph } from './PendingRunGraph';
import { RunPanels } from './RunPanels';

const browserFrames = { request: (cb: () => void) => requestAnimationFrame(cb), cancel: (h: number) => cancelAnimationFrame(h) };
const PROFILES = [{ value: 'local' }, { value: 'staging' }, { value: 'production' }];

/**
 * Start a run of the open squad (profile, seed, tenant) and watch it live; pause, resume, step and
 * cancel it. Events stream into a RunStore that folds them once per animation frame.
 */
export function LiveView({ bridge, path, notify, initialRun }: { bridge: Bridge; path: string; notify: (m: string, error?: boolean) => void; initialRun?: string | undefined }) {
  const [profile, setProfile] = useState('local');
  const [seed, setSeed] = useState('1');
  const [tenantId, setTenantId] = useState('default');
  const [info, setInfo] = useState<RunInfo | null>(null);
  const [state, setState] = useState<RunState | null>(null);
  const [runId, setRunId] = useState<string | null>(initialRun ?? null);
  const [layout, setLayout] = useState<SquadLayout | null>(null);
  const [tenant, setTenant] = useState<TenantInfo | null>(null);
  const [forecasting, setForecasting] = useState(false);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- a fresh store for each run: `runId` is the memo's key, not an input
  const store = useMemo(() => new RunStore(browserFrames), [runId]);
  const version = useSyncExternalStore(store.subscribe, store.getVersion);

  useEffect(() => () => store.dispose(), [store]);
  // A run opened by id (the Runs view, a fork, Run Squad): the form shows that run's inputs, so ▶ Run
  // re-runs exactly it. The run's file is `path` already (App picks it from the same detail).
  useEffect(() => {
    if (!initialRun) return undefined;
    const controller = new AbortController();
    bridge.request('run.detail', { run: initialRun }, controller.signal).then(
      (d) => {
        setInfo(d);
        setProfile(d.profile);
        setSeed(String(d.seed));
        setTenantId(d.tenant);
      },
      () => {},
    );
    return () => controller.abort();
  }, [bridge, initialRun]);
  useEffect(() => {
    const controller = new AbortController();
    bridge.request('layout.load', { path }, controller.signal).then(
      (r) => setLayout(r.layout),
      () => {},
    );
    return () => controller.abort();
  }, [bridge, path]);

  useEffect(() => {
    if (!runId) return;
    const sub = `live-${runId}`;
    // Once per run shown (a reused dashboard shows several): the e2e tests read the latest.
    let firstEvents = true;
    const stop = bridge.onEvent((e) => {
      if (e.type === 'run.events' && e.sub === sub) {
        if (firstEvents) performance.mark('squad:run-events');
        firstEvents = false;
        store.push(e.events);
      }
      if (e.type === 'run.end' && e.sub === sub) {
        setState(e.state);
        refreshTenant();
      }
    });
    bridge.request('run.subscribe', { sub, run: runId, fromSeq: 1 }).catch((e: unknown) => notify(`cannot follow the run: ${String(e)}`, true));
    return () => {
      stop();
      bridge.request('run.unsubscribe', { sub }).catch(() => {});
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `refreshTenant` changes with the tenant picked, `notify` is the caller's: neither may re-subscribe (and so replay) the run
  }, [bridge, runId, store]);

  const refreshTenant = useCallback(() => {
    bridge.request('tenants.list', {}).then(
      (r) => setTenant(r.tenants.find((t) => t.id === tenantId) ?? null),
      () => setTenant(null),
    );
  }, [bridge, tenantId]);

  const start = async (): Promise<void> => {
    try {
      const seedNumber = seed.trim() === '' ? undefined : Number(seed);
      const run = await bridge.request('run.start', { path, profile, tenant: tenantId, ...(seedNumber === undefined || Number.isNaN(seedNumber) ? {} : { seed: seedNumber }) });
      setInfo(run);
      setState(run.state);
      setRunId(run.id);
    } catch (e) {
      notify(e instanceof Error ? e.message : String(e), true);
    }
  };
  const control = async (action: 'pause' | 'resume' | 'step' | 'cancel'): Promise<void> => {
    if (!runId) return;
    try {
      const run = await bridge.request('run.control', { run: runId, action });
      setInfo(run);
      setState(run.state);
    } catch (e) {
      notify(e instanceof Error ? e.message : String(e), true);
    }
  };
  const view = store.current;
  const differs = info ? runDifferences(info, { path, profile, seed, tenant: tenantId }) : [];
  const shownState = state ?? (view.ended ? view.account.status : runId ? 'running' : null);
  const live = shownState === 'running' || shownState === 'paused' || shownState === 'queued';

  return (
    <div style={{ display: 'grid', gridTemplateRows: forecasting ? 'auto auto 1fr' : 'auto 1fr', minHeight: 0 }}>
      {/* Two groups, each on one line from 800 px (the form; the run's state and controls), side by side
          from about 1,200 px; below 800 px a group may wrap too. The run id and the re-run note give way
          (ellipsis, whole in their titles) before a group breaks. */}
      <div className="sq-scrubber sq-runbar" role="toolbar" aria-label="Run" data-testid="run-bar">
        <div className="sq-runbar-group">
          <span className="sq-runbar-field">
            <label className="sq-muted" htmlFor="sq-profile">
              Profile
            </label>
            <VsSelect id="sq-profile" label="Profile" value={profile} options={PROFILES} onChange={setProfile} style={{ width: 112 }} />
          </span>
          <span className="sq-runbar-field">
            <label className="sq-muted" htmlFor="sq-seed">
              Seed
            </label>
            <VsTextField id="sq-seed" label="Seed" value={seed} onInput={setSeed} style={{ width: 96 }} inputMode="numeric" />
          </span>
          <span className="sq-runbar-field">
            <label className="sq-muted" htmlFor="sq-tenant">
              Tenant
            </label>
            <VsTextField id="sq-tenant" label="Tenant" value={tenantId} onInput={setTenantId} style={{ width: 96 }} />
          </span>
          <VsButton
            onClick={() => void start()}
            disabled={live}
            ariaKeyshortcuts="Control+Enter"
            testId="start-run"
            title={info ? (differs.length ? `Runs ${path} with ${differs.join(', ')}` : `Runs ${info.file} again: profile ${info.profile}, seed ${info.seed}, tenant ${info.tenant}`) : `Runs ${path}`}
          >
            ▶ Run
          </VsButton>
          {info && (
            <span className="sq-muted sq-rerun-note" data-testid="rerun-note" title={differs.length ? `differs from the run shown: ${differs.join(', ')}` : 're-runs the run shown'}>
              {differs.length ? `differs from the run shown: ${differs.join(', ')}` : 're-runs the run shown'}
            </span>
          )}
          <VsButton
            secondary
            onClick={() => setForecasting((f) => !f)}
            testId="forecast-toggle"
            title={`squad forecast: the cost of ${path} at production volume, from seeded runs under profile ${profile}`}
          >
            {forecasting ? 'Hide forecast' : 'Forecast…'}
          </VsButton>
        </div>
        {runId && (
          <div className="sq-runbar-group sq-runbar-run">
            <span className="sq-status" data-testid="run-state" data-state={shownState ?? ''} data-run-id={runId} title={`${shownState ?? ''} · ${info?.id ?? runId}`}>
              <i className={`sq-dot ${shownState ?? ''}`} />
              {shownState} · <span className="sq-mono sq-run-id">{info?.id ?? runId}</span>
            </span>
            {/* One button for pause and resume: the run is either running or paused. */}
            {shownState === 'paused' ? (
              <VsButton secondary onClick={() => void control('resume')} title="Resume" testId="run-resume">
                Resume
              </VsButton>
            ) : (
              <VsButton secondary onClick={() => void control('pause')} disabled={shownState !== 'running'} title="Pause" testId="run-pause">
                Pause
              </VsButton>
            )}
            <VsButton secondary onClick={() => void control('step')} disabled={shownState !== 'paused'} title="Step to the next checkpoint" testId="run-step">
              Step
            </VsButton>
            <VsButton secondary onClick={() => void control('cancel')} disabled={!live} title="Cancel" testId="run-cancel">
              Cancel
            </VsButton>
          </div>
        )}
      </div>
      {forecasting && <ForecastPanel bridge={bridge} path={path} profile={profile} notify={notify} />}
      {runId ? (
        <RunPanels view={view} version={version} layout={view.squadPath === path ? layout : null} tenant={tenant} follow />
      ) : (
        <PendingRunGraph bridge={bridge} path={path} layout={layout} hint="Choose a profile and seed, then Run: the squad's agents, messages, costs and guardrails appear here as they happen." />
      )}
    </div>
  );
}
