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
  squad worker --store URL [--concurrency N]
                                claim queued runs from a postgres:// store and execute them
  squad export RUN --store URL [--out FILE]
                                a run's journal from a postgres:// store as JSONL (as a local run writes it)
  squad --help | --version

Options of run:
  --profile NAME    local (default), staging, production, or one the file declares
  --seed N          seed for simulated latency and faults (default: random, printed)
  --tenant ID       the tenant the run is accounted to (default: default)
  --journal PATH    write the journal here instead of .squad/runs/<run-id>.jsonl
  --workspace DIR   the workspace whose .squad/runs/ keeps journals (default: .)
  --json            print one JSON object instead of the table

Options of serve:
  --port N            the port (default: a free one)
  --host H            the address to bind (default 127.0.0.1; any other is reachable from the network)
  --workspace DIR     the workspace whose .squad/ keeps journals and server.json (default: .)
  --otlp URL          export runs as OpenTelemetry traces to this OTLP/HTTP endpoint
  --tenants FILE      JSON: {"defaults": {…}, "tenants": {"ID": {dailyBudgetUsd, requestsPerMinute,
                      tokensPerMinute, maxConcurrentRuns, maxQueuedRuns, maxRateLimitWaitMs}}}
  --allow-origin O    a browser origin allowed to call the API (repeatable)
  --resume            continue the runs an earlier session left unfinished (a shutdown or a crash)
  --store URL         postgres://…: the API of a scale-out; runs are queued for workers, journals,
                      budgets, tokens and control live in the database (migrations applied at start)
  --workers N         worker processes started beside the API with --store (default 1; 0: API only)
  --concurrency N     runs each worker executes at once (default 4; also for squad worker)
  --lease-ms MS       a worker's claim on a run lasts this long without a heartbeat (default 5000)
  --token T           the server token, shared by API servers behind one balancer (default: fresh)
  Every flag of serve, worker and export also reads a variable: SQUAD_STORE, SQUAD_WORKERS,
  SQUAD_CONCURRENCY, SQUAD_LEASE_MS, SQUAD_PORT, SQUAD_HOST, SQUAD_WORKSPACE, SQUAD_OTLP,
  SQUAD_TENANTS, SQUAD_ALLOW_ORIGIN (comma-separated), SQUAD_RESUME, SQUAD_TOKEN. A flag wins.

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
  --json              print one JSON object instead of the report

Exit codes: 0 completed, 1 failed, 2 invalid input, 3 halted by a guardrail, 130 cancelled.
`;
