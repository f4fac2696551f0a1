import type { RunInfo } from '../../protocol/api/runInfo';
/** How the form's inputs differ from the run shown ("seed 1 (was 790056773)"), empty when ▶ Run repeats it. */
export function runDifferences(run: Pick<RunInfo, 'file' | 'profile' | 'seed' | 'tenant'>, form: { path: string; profile: string; seed: string; tenant: string }): string[] {
  const out: string[] = [];
  if (form.path !== run.file) out.push(`file ${form.path} (was ${run.file})`);
  if (form.profile !== run.profile) out.push(`profile ${form.profile} (was ${run.profile})`);
  if (form.seed.trim() !== String(run.seed)) out.push(`seed ${form.seed.trim() || 'random'} (was ${run.seed})`);
  if (form.tenant !== run.tenant) out.push(`tenant ${form.tenant} (was ${run.tenant})`);
  return out;
}
