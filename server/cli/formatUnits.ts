// Costs and durations as the CLI's tables and progress line show them, apart from the tables: what
// only formats a number loads neither cli-table3 nor ICU's number formats (`squad run --json` and a
// run's progress line print no table; see agentTable's `int`).

export function usd(n: number): string {
  return n === 0 ? '$0' : n < 0.01 ? `$${n.toFixed(5)}` : `$${n.toFixed(4)}`;
}

export function ms(n: number): string {
  if (n < 1000) return `${Math.round(n)} ms`;
  if (n < 60_000) return `${(n / 1000).toFixed(1)} s`;
  const m = Math.floor(n / 60_000);
  return `${m} min ${Math.round((n % 60_000) / 1000)} s`;
}
