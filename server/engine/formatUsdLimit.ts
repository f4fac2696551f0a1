/**
 * A dollar limit as messages name it: at least cents ($0.05, $12.50), and as many more decimals as the
 * limit has, up to six, so that a sub-cent budget is not printed as "$0.00" ($0.0005, $0.00012).
 */
export function formatUsdLimit(limitUsd: number): string {
  const [whole, fraction = ''] = limitUsd.toFixed(6).split('.');
  return `$${whole}.${fraction.replace(/0+$/, '').padEnd(2, '0')}`;
}
