import type { SquadFile } from './squadFile';

/** Where a real provider's requests go when the file gives no `baseUrl` (what the providers use). */
export const PROVIDER_DEFAULT_BASE_URLS: Readonly<Record<string, string>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
};

/** A process the file can start: one stdio tool server (each replica is one more process). */
export interface SquadCommand {
  server: string;
  command: string;
  args: string[];
  /** As the file writes it (relative to the file's directory); null: the file's directory. */
  cwd: string | null;
  replicas: number;
  /** The path of the `command` key, for a refusal that names the field. */
  field: string;
}

/** A host the file can send requests (and the keys and headers with them) to. */
export interface SquadHost {
  url: string;
  /** Lower-case host name without the port (IPv6 without brackets). */
  host: string;
  field: string;
}

/**
 * What running a squad file may do outside the engine: the processes it can start, the environment
 * variables it reads and the hosts it sends requests to. The CLI's trust prompt shows it, the server
 * judges it against its policy, the debugger gives a run only these variables. Every declared
 * server and model counts, whatever profile a run picks: a profile is chosen at run time, trust is
 * given to the file.
 */
export interface SquadCapabilities {
  commands: SquadCommand[];
  /** The file's `env:` list: everything it may read (the parser refuses reads outside it). */
  env: string[];
  hosts: SquadHost[];
}

export function squadCapabilities(squad: SquadFile): SquadCapabilities {
  const commands: SquadCommand[] = [];
  const hosts: SquadHost[] = [];
  const addHost = (url: string, field: string) => {
    const host = hostOf(url);
    if (host !== null) hosts.push({ url, host, field });
  };
  for (const [name, model] of Object.entries(squad.models)) {
    if (model.provider === 'simulated') continue;
    if (model.baseUrl !== undefined) addHost(model.baseUrl, `models.${name}.baseUrl`);
    else {
      const fallback = PROVIDER_DEFAULT_BASE_URLS[model.provider];
      if (fallback !== undefined) addHost(fallback, `models.${name}.provider`);
    }
  }
  for (const [name, server] of Object.entries(squad.toolServers)) {
    if ('command' in server) {
      commands.push({ server: name, command: server.command, args: server.args, cwd: server.cwd ?? null, replicas: server.replicas ?? 1, field: `toolServers.${name}.command` });
    }
    if ('url' in server) {
      addHost(server.url, `toolServers.${name}.url`);
      (server.replicaUrls ?? []).forEach((url, i) => addHost(url, `toolServers.${name}.replicaUrls.${i}`));
    }
  }
  return { commands, env: [...squad.env], hosts };
}

/** True when running the file touches nothing outside the engine: no process, no variable, no host. */
export function isSelfContained(c: SquadCapabilities): boolean {
  return c.commands.length === 0 && c.env.length === 0 && c.hosts.length === 0;
}

/** `https://Api.Example.com:8443/v1` → `api.example.com`; `http://[::1]:80` → `::1`; not a URL → null. */
export function hostOf(url: string): string | null {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  } catch {
    return null;
  }
}
