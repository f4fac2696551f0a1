import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const KUBERNETES_DIR = resolve(__dirname, 'kubernetes');

/** One Kubernetes object of a manifest file, with where it is. */
export interface Manifest {
  file: string;
  /** 1-based index of the YAML document in the file. */
  document: number;
  apiVersion: string;
  kind: string;
  name: string;
  /** The object as parsed (plain JSON data). */
  object: Record<string, unknown>;
}

/**
 * Every Kubernetes object under deploy/kubernetes/ (each `*.yaml`, each document), the Kustomization
 * aside. A YAML error is thrown as `file:line:col: message`.
 */
export function readManifests(dir = KUBERNETES_DIR): Manifest[] {
  const out: Manifest[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    if (file === 'kustomization.yaml') continue;
    const text = readFileSync(join(dir, file), 'utf8');
    parseAllDocuments(text).forEach((doc, i) => {
      const error = doc.errors[0];
      if (error) throw new Error(`${file}:${error.linePos?.[0].line ?? 0}:${error.linePos?.[0].col ?? 0}: ${error.message}`);
      const object: unknown = doc.toJSON();
      if (!isRecord(object)) throw new Error(`${file}: document ${i + 1} is not a mapping`);
      const metadata = object['metadata'];
      out.push({
        file,
        document: i + 1,
        apiVersion: String(object['apiVersion']),
        kind: String(object['kind']),
        name: isRecord(metadata) ? String(metadata['name']) : '',
        object,
      });
    });
  }
  return out;
}

/**
 * The kubernetes-models module of an object: `apps/v1` + `Deployment` → `kubernetes-models/apps/v1/Deployment`,
 * `v1` + `Service` → `kubernetes-models/v1/Service`.
 */
export function modelModule(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
