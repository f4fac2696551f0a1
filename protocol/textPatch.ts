/**
 * One replacement that turns one text into another: what a host applies as a single undoable edit
 * (VS Code's WorkspaceEdit in the extension, Monaco's executeEdits in the web app), so cursors and
 * comments outside the change stay where they are.
 */
export interface TextPatch {
  /** UTF-16 offset where the replaced text starts, and how long it is. */
  offset: number;
  length: number;
  text: string;
}

/** The smallest single replacement from `before` to `after` (common prefix and suffix kept). */
export function textPatch(before: string, after: string): TextPatch {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  return { offset: start, length: before.length - start - end, text: after.slice(start, after.length - end) };
}
