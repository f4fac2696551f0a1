export const USAGE = `squad — run, validate and inspect multi-agent squads

Usage:
  squad run FILE [options]      run a squad and print what each agent did and cost
  squad validate FILE...        check squad files; errors as file:line:col: message
  squad replay JOURNAL [--squad FILE] [--step]
                                re-run a saved execution from its journal (no model or tool is called)
                                and report the first decision that differs
  squad fork JOURNAL --at SEQ [--edit FILE]
                                a new run: the journal up to event SEQ, then live (with an edited file)
  squad diff RUN_A RUN_B        where two runs part, and what each cost
  squad resume RUN              finish an interrupted run from its journal, without repeating any call
  squad serve [options]         the local server: HTTP API and live WebSocket stream
  squad load FILE [options]     drive the server with many runs and report throughput, latency, cost
  squad worker --store URL [options]
                                claim queued runs from a postgres:// store and execute them
  squad export RUN --store URL [--out FILE]
                                a run's journal from a postgres:// store as JSONL, as a local run writes it
  squad test [FILE|DIR...] [options]
                                run the tests: of squad files (a CI gate); exit 0 pass, 1 fail, 2 bad input
  squad forecast FILE --runs-per-day N [options]
                                seeded runs under a profile: cost per run, day and month, trips, headroom
  squad --help | --version

Options of validate:
  (none)            every file is checked; each error as file:line:col: message, exit 2 if any

Options of replay:
  --squad FILE      replay against this (edited) squad file instead of the one the journal recorded
  --step            stop before each turn: Enter steps, c runs to the end
  --workspace DIR   the workspace whose .squad/runs/ holds run ids (default: .)
  --json            print one JSON object instead of the report
  exit 0: the replay makes the same decisions; 1: it parts (the first differing event is shown)

Options of fork:
  --at SEQ          the last event of the parent to keep (required)
  --edit FILE       go on live with this edited squad file
  --workspace DIR   the workspace whose .squad/runs/ keeps journals (default: .)
  --json            print one JSON object instead of the report
  --yes, -y         trust the squad file without asking, as for run

Options of diff:
  --workspace DIR   the workspace whose .squad/runs/ holds run ids (default: .)
  --json            print one JSON object instead of the report
  exit 0: the runs make the same decisions (run ids aside); 1: they part; 2: a journal cannot be read

Options of resume:
  --workspace DIR   the workspace whose .squad/runs/ keeps journals (default: .)
  --json            print one JSON object instead of the table
  --yes, -y         trust the squad file without asking, as for run

Options of run:
  --profile NAME    local (default), staging, production, or one the file declares
  --seed N          seed for simulated latency and faults (default: random, printed)
  --tenant ID       the tenant the run is accounted to (default: default)
  --journal PATH    write the journal here instead of .squad/runs/<run-id>.jsonl
  --workspace DIR   the workspace whose .squad/runs/ keeps journals (default: .)
  --json            print one JSON object instead of the table
  --yes, -y         trust the file without asking (CI). The first run of a file in a workspace names
                    the commands it starts, the variables it reads and the hosts it reaches, and asks
                    on a terminal; without a terminal and without --yes it refuses (exit 2). The
                    answer is kept per file hash in .squad/trust.json. fork, resume and load ask too.

Options of serve:
  --port N            the port (default: a free one)
  --host H            the address to bind (default 127.0.0.1; any other is reachable from the network)
  --workspace DIR     the workspace whose .squad/ keeps journals and server.json (default: .)
  --otlp URL          export runs as OpenTelemetry traces to this OTLP/HTTP endpoint
  --tenants FILE      JSON: {"defaults": {…}, "tenants": {"ID": {dailyBudgetUsd, requestsPerMinute,
                      tokensPerMinute, maxConcurrentRuns, maxQueuedRuns, maxRateLimitWaitMs}}}
  --allow-origin O    a browser origin allowed to call the API (repeatable)
  --resume            continue the runs an earlier session left unfinished (a shutdown or a crash)
  --env-allow NAMES   the environment variables runs may read (apiKeyEnv, \${env:NAME}); repeatable or
                      comma-separated; default none
  --allow-host HOST   a host models' baseUrl and tool servers' url may reach, on top of loopback,
                      api.openai.com and api.anthropic.com; *.domain for subdomains (repeatable)
  --allow-inline      tenant tokens may send inline squad files (never with command servers or env reads)
  --read-only         start no run: journals are read, replayed and diffed only
  --store URL         postgres://…: the API of a scale-out; runs are queued for workers; journals,
                      budgets, tokens and control live in the database (migrations applied at start)
  --workers N         worker processes started beside the API with --store (default 1; 0: API only)
  --concurrency N     runs each of those workers executes at once (default 4)
  --lease-ms MS       a worker's claim on a run lasts this long without a heartbeat (default 5000)
  --token T           the server token, shared by API servers behind one balancer (default: a fresh
                      one in .squad/server.json); prefer SQUAD_TOKEN (a flag shows in ps)
  --trusted-proxy A   behind a reverse proxy: believe X-Forwarded-* from address A (IP, CIDR, loopback,
                      uniquelocal; repeatable); needs --public-url
  --public-url URL    the URL users reach the server by through the proxy (repeatable)
  --shutdown-grace S  on SIGTERM, wait S seconds (default 5) for runs to reach a checkpoint
  --run-threads N     worker threads that execute the runs, off the HTTP event loop (default: one
                      per core; 0: on the HTTP thread, as before)
  Every flag of serve, worker and export (but --out) also reads its variable, SQUAD_ and the flag's
  name in capitals (SQUAD_STORE, SQUAD_PORT, SQUAD_TRUSTED_PROXY, …; lists comma-separated); a flag
  on the command line wins. SQUAD_METRICS_TOKEN: a token that reads /metrics only. See the README.

Options of worker:
  --store URL         the postgres:// database the API servers queue runs in
  --concurrency N     runs executed at once (default 4)
  --lease-ms MS       how long a claim lasts without a heartbeat (default 5000); a dead worker's
                      runs move to another worker this long after it died
  --tenants FILE      tenant limits, as serve --tenants
  --shutdown-grace S  on SIGTERM: stop claiming, wait S seconds (default 5) for runs to reach a
                      checkpoint, then give them back to the queue
  --health-port N     serve /healthz, /readyz and /metrics on this port (probes, Prometheus)
  --health-host H     the address the health port binds (default 127.0.0.1)
  --otlp URL          export the spans of the runs this worker executes to this OTLP/HTTP endpoint
  --workspace DIR     accepted so one SQUAD_WORKSPACE serves serve, worker and export; unused (a
                      worker's journals are the store's)

Options of export:
  --store URL         the postgres:// database
  --out FILE          write the JSONL here (never overwriting a file); default: standard output
  --workspace DIR     accepted as for worker; unused

Options of load:
  --runs N            runs to start (default 100)
  --concurrency C     runs in flight at once, over all tenants (default 8)
  --tenants T         spread the runs over tenants load-1 … load-T (default 1)
  --spike KxAT        from AT (e.g. 30s, 500ms or 50%), tenant load-1 sends K times its share (e.g. 10x@30s)
  --profile NAME      as for run (default local)
  --seed N            seed of the first run; run i uses N + i (default 1)
  --server URL        drive this server (token from SQUAD_TOKEN or the workspace's server.json);
                      default: the workspace's running server, else one started for the load
  --tenants-file F    tenant limits for a server started for the load (as serve --tenants)
  --max-seconds S     stop starting runs after S seconds of wall time (default 300)
  --workspace DIR     the workspace whose server it drives or starts, and its journals (default: .)
  --json              print one JSON object instead of the report
  --yes, -y           trust the squad file without asking, as for run

Options of test:
  --journals DIR      also replay every journal under DIR with the current engine and squad file;
                      a journal whose decisions differ fails (as squad replay reports it)
  --case NAME         only the case(s) of this name (repeatable)
  --junit FILE        write a JUnit XML report to FILE
  --json              print one JSON object instead of the table
  --workspace DIR     the workspace whose .squad/runs/ keeps the cases' journals (default: .)
  --concurrency N     worker threads (default: the machine's cores)
  --yes, -y           trust the squad files that start processes or reach hosts without asking (CI)

Options of forecast:
  --profile NAME      as for run (default production)
  --runs-per-day N    the production volume (required)
  --days D            the period to cost (default 30)
  --seeds K           seeded runs to sample (default: as many as fit in about 5 seconds, 20 to 1000)
  --tenants FILE      tenants as for serve --tenants; the volume is split evenly over them
  --peak-factor F     the busiest hour's traffic over an average hour's (default 3)
  --json              print one JSON object instead of the tables
  --concurrency N     worker threads (default: the machine's cores)
  --yes, -y           trust the file without asking, as for run

Exit codes: 0 completed, 1 failed, 2 invalid input, 3 halted by a guardrail, 130 cancelled (test: 0 all passed, 1 one failed).
`;

/**
 * One command's own usage: its synopsis lines and its "Options of NAME:" section of {@link USAGE},
 * then the exit codes. Null for a name USAGE does not list, so an unknown command stays an error.
 * Derived from the one text so the overview and each command's help cannot disagree.
 */
export function commandUsage(name: string, usage: string = USAGE): string | null {
  const lines = usage.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`  squad ${name} `) || l === `  squad ${name}`);
  if (start < 0 || !/^[a-z][a-z-]*$/.test(name)) return null;
  // The synopsis: its first line and the lines indented under it (long synopses wrap).
  const synopsis = [lines[start]!];
  for (let i = start + 1; i < lines.length && /^ {4,}/.test(lines[i]!); i++) synopsis.push(lines[i]!);
  const header = lines.findIndex((l) => l === `Options of ${name}:`);
  const options: string[] = [];
  if (header >= 0) for (let i = header + 1; i < lines.length && lines[i] !== ''; i++) options.push(lines[i]!);
  const exit = lines.find((l) => l.startsWith('Exit codes:')) ?? '';
  return ['Usage:', ...synopsis, '', 'Options:', ...(options.length ? options : ['  (none)']), '', exit, ''].join('\n');
}
