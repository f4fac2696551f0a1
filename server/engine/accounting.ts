// The accounting fold lives in protocol/ so the webview folds journals with the very same code.
export * from '../../protocol/runAccount';
