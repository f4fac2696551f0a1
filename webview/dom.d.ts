// The webview runs in a browser: its files need the DOM's types. The root tsconfig checks every
// folder in one program (so `tsc -p .` stays the one check), which makes these types visible to the
// server too; the server's own code never relies on them (its lint is its Node imports).
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
