import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One host of the lab: a network namespace of its own, with one link (a veth pair) to the lab's switch. */
export interface LabHost {
  readonly name: string;
  /** The network namespace (`ip netns exec <namespace> …`). */
  readonly namespace: string;
  /** Its IPv4 address on the lab's network. */
  readonly address: string;
  /** The command prefix that runs a program on this host. */
  readonly prefix: readonly string[];
  /** Unplugs the host's cable at the switch: its packets go nowhere, its connections hang (nothing tells it). */
  cut(): Promise<void>;
  /** Plugs it back in. */
  restore(): Promise<void>;
}

/**
 * Test support: a small real network on this machine, so a multi-process test crosses one. A hub
 * namespace holds a bridge (the switch); each host is a namespace of its own joined to it by a veth
 * pair; this process (the root namespace) has a link too, at `rootAddress`, to reach the hosts. The
 * subnet is a free 10.x.y.0/24 and every name carries a random tag, so runs side by side do not meet.
 *
 * Needs root and iproute2 (`ip`): `NetworkLab.create` fails, with the reason, where the machine lacks
 * them (CI installs iproute2, see `.ci/run`). `destroy` removes every namespace and link it made,
 * whatever state the test left them in; each `ip` call is bounded.
 */
export class NetworkLab {
  private readonly hosts: LabHost[] = [];
  private readonly namespaces: string[] = [];
  private rootLink: string | null = null;

  private constructor(
    private readonly tag: string,
    private readonly subnet: string,
  ) {}

  get rootAddress(): string {
    return `${this.subnet}.1`;
  }

  private get hub(): string {
    return `squad-${this.tag}-hub`;
  }

  static async create(): Promise<NetworkLab> {
    if (process.getuid?.() !== 0) throw new Error('NetworkLab: network namespaces need root (run the test as root, as CI does)');
    await ip(['-V']).catch((error: unknown) => {
      throw new Error(`NetworkLab: iproute2 is missing (apt-get install -y iproute2): ${error instanceof Error ? error.message : String(error)}`);
    });
    const lab = new NetworkLab(randomBytes(2).toString('hex'), await freeSubnet());
    try {
      await lab.namespace(lab.hub);
      await ip(['-n', lab.hub, 'link', 'add', 'br0', 'type', 'bridge']);
      await ip(['-n', lab.hub, 'link', 'set', 'br0', 'up']);
      // This process's own link: the root end keeps the address, the other end joins the switch.
      const root = `sq${lab.tag}r`;
      await ip(['link', 'add', root, 'type', 'veth', 'peer', 'name', `${root}h`]);
      lab.rootLink = root;
      await lab.plug(`${root}h`);
      await ip(['addr', 'add', `${lab.rootAddress}/24`, 'dev', root]);
      await ip(['link', 'set', root, 'up']);
    } catch (error) {
      await lab.destroy();
      throw error;
    }
    return lab;
  }

  /** A new host on the lab's network, at the next address. */
  async addHost(name: string): Promise<LabHost> {
    const n = this.hosts.length + 2;
    const namespace = `squad-${this.tag}-${name}`;
    const link = `sq${this.tag}${n}`;
    const address = `${this.subnet}.${n}`;
    await this.namespace(namespace);
    await ip(['link', 'add', link, 'type', 'veth', 'peer', 'name', `${link}h`]);
    await ip(['link', 'set', link, 'netns', namespace]);
    await this.plug(`${link}h`);
    await ip(['-n', namespace, 'addr', 'add', `${address}/24`, 'dev', link]);
    await ip(['-n', namespace, 'link', 'set', link, 'up']);
    await ip(['-n', namespace, 'link', 'set', 'lo', 'up']);
    const hub = this.hub;
    const host: LabHost = {
      name,
      namespace,
      address,
      prefix: ['ip', 'netns', 'exec', namespace],
      cut: () => ip(['-n', hub, 'link', 'set', `${link}h`, 'down']).then(() => undefined),
      restore: () => ip(['-n', hub, 'link', 'set', `${link}h`, 'up']).then(() => undefined),
    };
    this.hosts.push(host);
    return host;
  }

  /** Removes every namespace (with the veth ends inside, which takes their peers) and this process's link. Idempotent. */
  async destroy(): Promise<void> {
    for (const ns of this.namespaces.splice(0).reverse()) await ip(['netns', 'del', ns]).catch(() => undefined);
    if (this.rootLink) await ip(['link', 'del', this.rootLink]).catch(() => undefined);
    this.rootLink = null;
  }

  private async namespace(name: string): Promise<void> {
    await ip(['netns', 'add', name]);
    this.namespaces.push(name);
  }

  /** Moves a veth end into the hub and attaches it to the switch. */
  private async plug(end: string): Promise<void> {
    await ip(['link', 'set', end, 'netns', this.hub]);
    await ip(['-n', this.hub, 'link', 'set', end, 'master', 'br0']);
    await ip(['-n', this.hub, 'link', 'set', end, 'up']);
  }
}

function ip(args: string[]): Promise<{ stdout: string }> {
  return run('ip', args, { timeout: 10_000 });
}

/** A 10.x.y.0/24 that no route or address of this machine's touches. */
async function freeSubnet(): Promise<string> {
  const { stdout: routes } = await ip(['-4', 'route', 'show', 'table', 'all']);
  const { stdout: addresses } = await ip(['-4', 'addr', 'show']);
  for (let i = 0; i < 20; i++) {
    const subnet = `10.${randomInt(200, 250)}.${randomInt(1, 250)}`;
    if (!routes.includes(`${subnet}.`) && !addresses.includes(`${subnet}.`)) return subnet;
  }
  throw new Error('NetworkLab: no free 10.x.y.0/24 found');
}
