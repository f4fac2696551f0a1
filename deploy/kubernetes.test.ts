import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_ONLY, ENV_OPTIONS } from '../server/cli/envConfig';
import { isRecord, KUBERNETES_DIR, modelModule, readManifests, type Manifest } from './kubernetesManifests';

/**
 * Every manifest of deploy/kubernetes/ against the Kubernetes API schemas, with kubernetes-models:
 * its runtime validation (the OpenAPI schemas compiled with ajv: types, required fields, enums,
 * formats) and its TypeScript types (an object literal of each manifest type-checked against its
 * interface, so an unknown or misspelt field, which the schemas allow, is an error too).
 */
const manifests = readManifests();
const byKind = (kind: string): Manifest[] => manifests.filter((m) => m.kind === kind);
const one = (kind: string, name: string): Record<string, unknown> => {
  const m = manifests.find((x) => x.kind === kind && x.name === name);
  if (!m) throw new Error(`no ${kind} ${name}`);
  return m.object;
};

describe('Kubernetes manifests', () => {
  it('are all valid against the Kubernetes schemas (kubernetes-models validate)', async () => {
    expect(manifests.length).toBeGreaterThanOrEqual(12);
    for (const m of manifests) {
      const mod: unknown = await import(modelModule(m.apiVersion, m.kind));
      const Model = isRecord(mod) ? mod[m.kind] : undefined;
      if (typeof Model !== 'function') throw new Error(`${m.file}: no model for ${m.apiVersion} ${m.kind}`);
      const instance: unknown = Reflect.construct(Model, [m.object]);
      if (!isRecord(instance) || typeof instance['validate'] !== 'function') throw new Error(`${m.file}: model without validate`);
      expect(() => (instance['validate'] as () => void)(), `${m.file} #${m.document} (${m.kind} ${m.name})`).not.toThrow();
    }
  });

  it("type-check against the models' TypeScript interfaces: no unknown or misspelt field", () => {
    const diagnostics = typeCheck(manifests);
    expect(diagnostics).toEqual([]);
  });

  it('the type check does catch a misspelt field and a wrong type (the check can fail)', () => {
    const deployment = manifests.find((m) => m.kind === 'Deployment')!;
    const misspelt = structuredClone(deployment);
    const wrongType = structuredClone(deployment);
    const [a, b] = [misspelt.object['spec'], wrongType.object['spec']];
    if (isRecord(a)) a['replica'] = 2;
    if (isRecord(b)) b['minReadySeconds'] = 'soon';
    expect(typeCheck([misspelt]).join('\n')).toMatch(/known properties.*replica/);
    expect(typeCheck([wrongType]).join('\n')).toMatch(/not assignable to type 'number'/);
  });

  it('the kustomization applies every manifest but the examples', () => {
    const kustomization: unknown = parse(readFileSync(join(KUBERNETES_DIR, 'kustomization.yaml'), 'utf8'));
    if (!isRecord(kustomization) || !Array.isArray(kustomization['resources'])) throw new Error('no resources');
    const files = new Set(manifests.map((m) => m.file));
    const examples = ['secret.example.yaml', 'prometheus-adapter-rules.yaml'];
    expect(new Set(kustomization['resources'])).toEqual(new Set([...files].filter((f) => !examples.includes(f))));
  });

  it('API and workers: probes on /readyz and /healthz, resource requests, non-root, graceful shutdown within the grace period', () => {
    for (const name of ['squad-api', 'squad-worker']) {
      const pod = podSpec(one('Deployment', name));
      const container = list(pod['containers'])[0] ?? {};
      expect(path(container, 'readinessProbe', 'httpGet', 'path')).toBe('/readyz');
      expect(path(container, 'livenessProbe', 'httpGet', 'path')).toBe('/healthz');
      expect(path(container, 'resources', 'requests', 'cpu')).toBeDefined();
      expect(path(container, 'resources', 'requests', 'memory')).toBeDefined();
      expect(path(pod, 'securityContext', 'runAsNonRoot')).toBe(true);
      expect(path(container, 'securityContext', 'allowPrivilegeEscalation')).toBe(false);
      // SQUAD_SHUTDOWN_GRACE (from the ConfigMap) must end before Kubernetes sends SIGKILL.
      const grace = Number(path(one('ConfigMap', 'squad-studio'), 'data', 'SQUAD_SHUTDOWN_GRACE'));
      expect(grace).toBeLessThan(Number(pod['terminationGracePeriodSeconds']));
      expect(list(container['envFrom']).some((e) => path(e, 'configMapRef', 'name') === 'squad-studio')).toBe(true);
    }
    expect(list(podSpec(one('Deployment', 'squad-api'))['containers'])[0]!['args']).toEqual(['serve', '--workers', '0']);
    expect(list(podSpec(one('Deployment', 'squad-worker'))['containers'])[0]!['args']?.toString()).toMatch(/^worker/);
  });

  it('the database URL and provider keys come from the Secret, under keys the example creates', () => {
    const secretKeys = Object.keys(path(one('Secret', 'squad-studio'), 'stringData') ?? {});
    for (const name of ['squad-api', 'squad-worker']) {
      const env = list(list(podSpec(one('Deployment', name))['containers'])[0]!['env']);
      const store = env.find((e) => e['name'] === 'SQUAD_STORE');
      expect(path(store, 'valueFrom', 'secretKeyRef', 'name')).toBe('squad-studio');
      for (const e of env) {
        const key = path(e, 'valueFrom', 'secretKeyRef', 'key');
        if (key !== undefined) expect(secretKeys, `${name}: ${String(e['name'])}`).toContain(key);
      }
    }
    const workerEnv = list(list(podSpec(one('Deployment', 'squad-worker'))['containers'])[0]!['env']).map((e) => e['name']);
    expect(workerEnv).toEqual(expect.arrayContaining(['OPENAI_API_KEY', 'ANTHROPIC_API_KEY']));
  });

  it('every SQUAD_* variable the manifests set is one the server reads', () => {
    const known = new Set([...ENV_OPTIONS.map((o) => o.env), ...ENV_ONLY.map((o) => o.env)]);
    const used = new Set<string>();
    for (const m of byKind('Deployment')) for (const c of list(podSpec(m.object)['containers'])) for (const e of list(c['env'])) used.add(String(e['name']));
    for (const k of Object.keys(path(one('ConfigMap', 'squad-studio'), 'data') ?? {})) used.add(k);
    const squad = [...used].filter((n) => n.startsWith('SQUAD_'));
    expect(squad.length).toBeGreaterThan(5);
    for (const n of squad) expect(known, n).toContain(n);
  });

  it('Services, PodDisruptionBudgets and the HPA point at the Deployments', () => {
    const labelsOf = (name: string) => path(one('Deployment', name), 'spec', 'template', 'metadata', 'labels');
    expect(path(one('Service', 'squad-api'), 'spec', 'selector')).toEqual(labelsOf('squad-api'));
    expect(path(one('Service', 'squad-worker'), 'spec', 'selector')).toEqual(labelsOf('squad-worker'));
    expect(path(one('PodDisruptionBudget', 'squad-api'), 'spec', 'selector', 'matchLabels')).toEqual(labelsOf('squad-api'));
    expect(path(one('PodDisruptionBudget', 'squad-worker'), 'spec', 'selector', 'matchLabels')).toEqual(labelsOf('squad-worker'));
    const hpa = one('HorizontalPodAutoscaler', 'squad-worker');
    expect(path(hpa, 'spec', 'scaleTargetRef')).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'squad-worker' });
    expect(list(path(hpa, 'spec', 'metrics')).map((m) => path(m, 'external', 'metric', 'name'))).toEqual(['squad_queue_depth']);
    // The ingress routes the public name to the API Service; the ConfigMap says the same name.
    const host = list(path(one('Ingress', 'squad-api'), 'spec', 'rules'))[0]!['host'];
    expect(path(one('ConfigMap', 'squad-studio'), 'data', 'SQUAD_PUBLIC_URL')).toBe(`https://${String(host)}`);
  });
});

function podSpec(deployment: Record<string, unknown>): Record<string, unknown> {
  const spec = path(deployment, 'spec', 'template', 'spec');
  if (!isRecord(spec)) throw new Error('no pod spec');
  return spec;
}

function path(value: unknown, ...keys: string[]): unknown {
  let v = value;
  for (const k of keys) v = isRecord(v) ? v[k] : undefined;
  return v;
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/**
 * Type-checks each manifest as an object literal of its kubernetes-models interface, in a program
 * of one virtual file beside this test (so `kubernetes-models` resolves from node_modules).
 */
function typeCheck(items: readonly Manifest[]): string[] {
  const root = resolve(__dirname, '..');
  const fileName = join(__dirname, '__manifests__.ts');
  const source = items
    .map((m, i) => `import type { I${m.kind} as T${i} } from '${modelModule(m.apiVersion, m.kind)}';\nexport const m${i}: T${i} = ${JSON.stringify(m.object, null, 2)};\n`)
    .join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
    types: [],
    baseUrl: root,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, onError, create) => (name === fileName ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, onError, create));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
    const manifest = where ? manifestAt(items, source, where.line) : '';
    return `${manifest}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

/** Which manifest a line of the generated source belongs to (for a readable failure). */
function manifestAt(items: readonly Manifest[], source: string, line: number): string {
  const before = source
    .split('\n')
    .slice(0, line + 1)
    .join('\n');
  const index = (before.match(/export const m\d+/g) ?? []).length - 1;
  const m = items[index];
  return m ? `${m.file} #${m.document} (${m.kind} ${m.name})` : 'manifests';
}
