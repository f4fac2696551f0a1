import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DockerfileParser, type Copy, type Instruction } from 'dockerfile-ast';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');
const text = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(text);

/** The instructions of each stage, by its name (the last stage is the image). */
function stages(): { name: string | null; image: string; instructions: Instruction[] }[] {
  const out: { name: string | null; image: string; instructions: Instruction[] }[] = [];
  for (const i of dockerfile.getInstructions()) {
    if (i.getKeyword() === 'FROM') {
      const from = dockerfile.getFROMs().find((f) => f.getRange().start.line === i.getRange().start.line)!;
      out.push({ name: from.getBuildStage(), image: `${from.getImageName()}:${from.getImageTag()}`, instructions: [] });
    } else out.at(-1)?.instructions.push(i);
  }
  return out;
}

const ALL_ERRORS = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

describe('Dockerfile', () => {
  it("passes dockerfile-utils' linter with every rule an error", () => {
    const problems = validate(text, ALL_ERRORS).map((d) => `Dockerfile:${d.range.start.line + 1}:${d.range.start.character + 1}: ${typeof d.message === 'string' ? d.message : d.message.value}`);
    expect(problems).toEqual([]);
  });

  it('the linter is live: it flags a broken Dockerfile', () => {
    const broken = 'from node:20-slim\nCOPY onlyone\nHEALTHCHECK --interval=soon CMD true\nWORKDIR relative\n';
    expect(validate(broken, ALL_ERRORS).length).toBeGreaterThanOrEqual(4);
  });

  it('is multi-stage on node:20-slim; the image runs as a non-root user with a HEALTHCHECK', () => {
    const all = stages();
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const s of all) expect(s.image).toBe('node:20-slim');
    const image = all.at(-1)!;
    const user =
      image.instructions
        .filter((i) => i.getKeyword() === 'USER')
        .at(-1)
        ?.getArgumentsContent() ?? '';
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/); // numeric, so Kubernetes' runAsNonRoot can verify it
    const health = image.instructions.find((i) => i.getKeyword() === 'HEALTHCHECK');
    expect(health?.getArgumentsContent()).toMatch(/\/healthz/);
    expect(image.instructions.find((i) => i.getKeyword() === 'ENTRYPOINT')?.getArgumentsContent()).toContain('dist/cli.js');
  });

  it('ships only the built dist/ and the runtime dependencies (npm ci --omit=dev)', () => {
    const all = stages();
    const image = all.at(-1)!;
    const copies = image.instructions.filter((i): i is Copy => i.getKeyword() === 'COPY' || i.getKeyword() === 'ADD');
    expect(image.instructions.some((i) => i.getKeyword() === 'ADD')).toBe(false);
    const sources: string[] = [];
    for (const c of copies) {
      const from = c.getFromFlag()?.getValue();
      expect(from, `COPY without --from at line ${c.getRange().start.line + 1}: the image would take the build context`).toBeDefined();
      const args = c.getArguments().map((a) => a.getValue());
      sources.push(...args.slice(0, -1).map((s) => `${from}:${s}`));
    }
    const depsStage = all.find((s) => s.instructions.some((i) => i.getKeyword() === 'RUN' && /npm ci --omit=dev/.test(i.getArgumentsContent() ?? '')));
    expect(depsStage?.name).toBeTruthy();
    for (const source of sources) {
      const ok = source === `${depsStage!.name}:/app/node_modules` || /^build:\/src\/(dist\/|package\.json$)/.test(source);
      expect(ok, source).toBe(true);
    }
    expect(sources).toContain(`${depsStage!.name}:/app/node_modules`);
  });

  it('.dockerignore keeps local state, build output and secrets out of the build context', () => {
    const ignored = readFileSync(resolve(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const p of ['node_modules', 'dist', '.git', '.squad', '.env']) expect(ignored).toContain(p);
  });
});
