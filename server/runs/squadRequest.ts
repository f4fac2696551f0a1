import { DEFAULT_TENANT } from '../../protocol/api/tenantId';
import type { ValidateRequest, ValidateResponse } from '../../protocol/api/validateRequest';
import { parseSquadFile } from '../../protocol/parseSquadFile';
import { formatDiagnostic } from '../../protocol/squadDiagnostic';
import type { SquadFile } from '../../protocol/squadFile';
import { readSquadSource, type SquadSource } from './readSquadSource';
import { RunError } from './runError';
import type { Scope } from './runService';
import type { RunPolicy } from '../trust/runPolicy';

/**
 * What any run service (the embedded run manager, the scale-out's ClusterRuns) does with a request
 * before a run exists: whose run it is, the squad it names read, parsed and checked against the
 * trust policy, and `validate`'s answer. Pure of the service's state, so every service answers a bad
 * request with the same located error.
 */

/** The tenant a run is started for: the request's, else the token's, else the default; a tenant token may start only its own. */
export function tenantOfRequest(body: { tenant?: string | undefined }, scope: Scope): string {
  const tenantId = body.tenant ?? scope.tenant ?? DEFAULT_TENANT;
  if (scope.tenant !== null && tenantId !== scope.tenant) throw new RunError('forbidden', `this token may only start runs of tenant "${scope.tenant}"`, 'tenant');
  return tenantId;
}

/** The squad a start request names, read (a workspace file or inline source), parsed and allowed by the policy for this scope. */
export async function parseRequestedSquad(workspace: string, body: ValidateRequest, policy: RunPolicy, scope: Scope): Promise<{ source: SquadSource; squad: SquadFile }> {
  const source = await readSquadSource(workspace, body);
  return { source, squad: checkedSquad(source, policy, scope) };
}

/** A squad source already read (a request's, or a start record's), parsed and allowed by the policy for this scope. */
export function checkedSquad(source: Pick<SquadSource, 'text' | 'path' | 'field'>, policy: RunPolicy, scope: Scope): SquadFile {
  const parsed = parseSquadFile(source.text, source.path);
  if (!parsed.ok) throw new RunError('invalid', parsed.errors.map(formatDiagnostic).join('\n'), source.field);
  policy.check(parsed.squad, source.field === 'file' ? 'workspace' : 'inline', scope);
  return parsed.squad;
}

/** `POST /api/validate`: the squad's name, agents and entry, or its errors; warnings either way. */
export async function validateSquadRequest(workspace: string, body: ValidateRequest): Promise<ValidateResponse> {
  const source = await readSquadSource(workspace, body);
  const parsed = parseSquadFile(source.text, source.path);
  return parsed.ok
    ? { ok: true, squad: { name: parsed.squad.name, agents: Object.keys(parsed.squad.agents), entry: parsed.squad.task.entry }, errors: [], warnings: parsed.warnings }
    : { ok: false, squad: null, errors: parsed.errors, warnings: parsed.warnings };
}
