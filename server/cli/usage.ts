export const USAGE = `squad — run, validate and inspect multi-agent squads

Usage:
  squad run FILE [options]      run a squad and print what each agent did and cost
  squad validate FILE...        check squad files; errors as file:line:col: message
  squad --help | --version

Options of run:
  --profile NAME    local (default), staging, production, or one the file declares
  --seed N          seed for simulated latency and faults (default: random, printed)
  --tenant ID       the tenant the run is accounted to (default: default)
  --journal PATH    write the journal here instead of .squad/runs/<run-id>.jsonl
  --workspace DIR   the workspace whose .squad/runs/ keeps journals (default: .)
  --json            print one JSON object instead of the table

Exit codes: 0 completed, 1 failed, 2 invalid input, 3 halted by a guardrail, 130 cancelled.
`;
