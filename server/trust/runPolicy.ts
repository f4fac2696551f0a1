import { squadCapabilities } from '../../protocol/squadCapabilities';
import type { SquadFile } from '../../protocol/squadFile';
import type { SecretLookup } from '../providers/secretLookup';
import type { Scope } from '../runs/runManager';
import { RunError } from '../runs/runError';
import { OutboundHosts } from './outboundHosts';

/** Where the squad file of a run comes from: the server's workspace, or the request itself. */
export type RunOrigin = 'workspace' | 'inline';

export interface RunPolicyOptions {
  /** `--allow-inline`: tenant tokens may send a squad file inline (without command servers or env reads). */
  allowInline?: boolean;
  /** `--env-allow`: the only variables of the server's environment a run may read. */
  envAllow?: readonly string[];
  /** `--allow-host` on top of the defaults. */
  hosts?: OutboundHosts;
  /** Nothing may start (VS Code's Restricted Mode): saved runs are read, replayed and diffed only. */
  readOnly?: boolean;
}

/** What a run gets of the server's environment: the variables it may read, and nothing else. */
export interface RunEnvironment {
  /** For `${env:NAME}` in tool server env and headers. */
  env: Record<string, string>;
  /** For models' `apiKeyEnv` and `${env:NAME}` in their headers. */
  secrets: SecretLookup;
  /** The folder stdio tool servers start in, when the run's recorded path is not relative to this process's directory. */
  toolDir?: string;
}

/**
 * Who may start what on the server. The server token belongs to the workspace's owner: it runs the
 * workspace's files and inline files (the editor's unsaved edits). A tenant token runs the
 * workspace's files only; with `--allow-inline` also inline files, which then may start no process
 * and read no variable. For everyone, the hosts a file reaches are the server's allow-list and the
 * variables it reads are `--env-allow`'s. Every refusal is a 403 naming the field at fault and the
 * host or variable, never a value.
 */
export class RunPolicy {
  private readonly allowInline: boolean;
  private readonly envAllow: ReadonlySet<string>;
  private readonly hosts: OutboundHosts;
  private readonly readOnly: boolean;

  constructor(options: RunPolicyOptions = {}) {
    this.allowInline = options.allowInline ?? false;
    this.envAllow = new Set(options.envAllow ?? []);
    this.hosts = options.hosts ?? OutboundHosts.withDefaults([]);
    this.readOnly = options.readOnly ?? false;
  }

  /** Throws a `forbidden` RunError when `scope` may not run `squad` from `origin`. */
  check(squad: SquadFile, origin: RunOrigin, scope: Scope): void {
    const field = origin === 'inline' ? 'source' : 'file';
    if (this.readOnly) {
      throw new RunError('forbidden', "this server starts no runs: it was started read-only (VS Code's Restricted Mode); trust the workspace to run squads", field);
    }
    const capabilities = squadCapabilities(squad);
    const tenantInline = origin === 'inline' && scope.tenant !== null;
    if (tenantInline && !this.allowInline) {
      throw new RunError('forbidden', `a tenant token runs only the workspace's squad files: send "file", or start the server with --allow-inline`, 'source');
    }
    if (tenantInline) {
      const command = capabilities.commands[0];
      if (command) throw new RunError('forbidden', `an inline squad file may not start processes: ${command.field} ("${command.command}") is refused for tenant tokens`, command.field);
      const variable = capabilities.env[0];
      if (variable !== undefined) throw new RunError('forbidden', `an inline squad file may not read the server's environment: env lists ${variable}, refused for tenant tokens`, 'env');
    }
    for (const h of capabilities.hosts) {
      if (!this.hosts.allows(h.host)) {
        throw new RunError('forbidden', `${h.field} names the host ${h.host}, which is not on this server's allow-list (start it with --allow-host ${h.host} to allow it)`, h.field);
      }
    }
    for (const variable of capabilities.env) {
      if (!this.envAllow.has(variable)) {
        throw new RunError('forbidden', `the file reads the environment variable ${variable}, which this server does not allow (start it with --env-allow ${variable})`, 'env');
      }
    }
  }

  /** One line for the server's log at start: what this server lets runs do. */
  describe(): string {
    if (this.readOnly) return 'read-only: no run starts';
    const env = this.envAllow.size > 0 ? [...this.envAllow].join(', ') : 'none';
    return `tenant inline files ${this.allowInline ? 'allowed (no processes, no variables)' : 'refused'}; variables runs may read: ${env}; hosts: ${this.hosts.describe()}`;
  }

  /** The variables `squad` may read, from `source` (default: this process's environment). */
  environmentFor(squad: SquadFile, source: Readonly<Record<string, string | undefined>> = process.env): RunEnvironment {
    const env: Record<string, string> = {};
    for (const name of squad.env) {
      const value = source[name];
      if (this.envAllow.has(name) && value !== undefined && value !== '') env[name] = value;
    }
    return { env, secrets: (name) => env[name] };
  }
}
