/**
 * Dollars as every view of the app shows them, and as the extension's status bar does: four decimals
 * under $1 (model calls cost fractions of a cent: $0.0146, not a rounded $0.015), cents from $1 up
 * (a tenant's budget is $50.00, not $50.000), with thousands separated.
 */
export function formatUsd(v: number): string {
  if (Math.abs(v) < 1) return `${v < 0 ? '-' : ''}$${Math.abs(v).toFixed(4)}`;
  return `${v < 0 ? '-' : ''}$${Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** `1 turn`, `2 turns`: a count with its noun. */
export function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
