// Per-tool statistics live in protocol/ so the webview computes the same percentiles.
export * from '../../protocol/toolStats';
