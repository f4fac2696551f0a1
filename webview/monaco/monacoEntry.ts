import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/languages/definitions/yaml/register';
import 'monaco-editor/languages/definitions/markdown/register';
import { textPatch } from '../../protocol/textPatch';

export interface YamlEditorHandle {
  /** Shows text that changed elsewhere (the graph) as one undoable edit, keeping the cursor. */
  setText(text: string): void;
  setTheme(kind: 'light' | 'dark'): void;
  dispose(): void;
}

// Monaco for the squad YAML and agents' instructions, loaded on demand (a separate chunk). Its
// worker is started from a blob that imports the bundled worker script, which works on the server's
// origin and inside a VS Code webview (whose resources are on another origin than the page).

/** Monaco's styles, beside this module (a `<link>`: the page's CSP allows styles from its own origin). */
function ensureStyles(): void {
  const href = new URL('./monaco.css', import.meta.url).href;
  if (document.querySelector(`link[href="${href}"]`)) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = href;
  document.head.appendChild(link);
}

/** Monaco's worker (see the note above) and styles, set up by whichever editor opens first. */
function ensureEnvironment(): void {
  const workerUrl = new URL('./editor.worker.js', import.meta.url).href;
  ensureStyles();
  Object.assign(globalThis, {
    MonacoEnvironment: {
      getWorker: () => new Worker(URL.createObjectURL(new Blob([`importScripts(${JSON.stringify(workerUrl)});`], { type: 'text/javascript' }))),
    },
  });
}

export interface InstructionsEditorHandle {
  getText(): string;
  /** Replaces the text unless the user is typing in it (their draft wins until they commit). */
  setText(text: string): void;
  setTheme(kind: 'light' | 'dark'): void;
  focus(): void;
  dispose(): void;
}

/**
 * An agent's instructions in Monaco (markdown, wrapped, no gutter): the draft is committed when the
 * editor loses focus or on Ctrl/Cmd+Enter, one YAML edit per commit, never per keystroke. Tab
 * indents as in any Monaco; Ctrl+M (Monaco's tab-focus mode) lets Tab move focus instead.
 */
export function createInstructionsEditor(element: HTMLElement, text: string, kind: 'light' | 'dark', options: { ariaLabel: string; onCommit: (text: string) => void }): InstructionsEditorHandle {
  ensureEnvironment();
  const model = monaco.editor.createModel(text, 'markdown');
  const editor = monaco.editor.create(element, {
    model,
    theme: kind === 'dark' ? 'vs-dark' : 'vs',
    automaticLayout: true,
    minimap: { enabled: false },
    lineNumbers: 'off',
    glyphMargin: false,
    folding: false,
    lineDecorationsWidth: 6,
    wordWrap: 'on',
    fontSize: 12,
    scrollBeyondLastLine: false,
    renderLineHighlight: 'none',
    overviewRulerLanes: 0,
    scrollbar: { verticalScrollbarSize: 8, horizontalScrollbarSize: 8 },
    ariaLabel: options.ariaLabel,
  });
  const commit = (): void => options.onCommit(model.getValue());
  const blur = editor.onDidBlurEditorText(commit);
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, commit);
  return {
    getText: () => model.getValue(),
    setText(next) {
      if (editor.hasTextFocus() || next === model.getValue()) return;
      model.setValue(next);
    },
    setTheme(k) {
      monaco.editor.setTheme(k === 'dark' ? 'vs-dark' : 'vs');
    },
    focus: () => editor.focus(),
    dispose() {
      blur.dispose();
      editor.dispose();
      model.dispose();
    },
  };
}

export function createYamlEditor(element: HTMLElement, text: string, kind: 'light' | 'dark', onChange: (text: string) => void): YamlEditorHandle {
  ensureEnvironment();
  const model = monaco.editor.createModel(text, 'yaml');
  const editor = monaco.editor.create(element, {
    model,
    theme: kind === 'dark' ? 'vs-dark' : 'vs',
    automaticLayout: true,
    minimap: { enabled: false },
    fontSize: 12,
    scrollBeyondLastLine: false,
    tabSize: 2,
    insertSpaces: true,
    renderWhitespace: 'boundary',
    ariaLabel: 'Squad file YAML',
  });
  let applying = false;
  const sub = model.onDidChangeContent(() => {
    if (!applying) onChange(model.getValue());
  });
  return {
    setText(next) {
      const current = model.getValue();
      if (next === current) return;
      const p = textPatch(current, next);
      const start = model.getPositionAt(p.offset);
      const end = model.getPositionAt(p.offset + p.length);
      applying = true;
      model.pushEditOperations([], [{ range: new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column), text: p.text }], () => null);
      applying = false;
    },
    setTheme(k) {
      monaco.editor.setTheme(k === 'dark' ? 'vs-dark' : 'vs');
    },
    dispose() {
      sub.dispose();
      editor.dispose();
      model.dispose();
    },
  };
}
