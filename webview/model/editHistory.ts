/**
 * The page's undo and redo stacks for a squad file it keeps itself (a browser: the server has no
 * undo). Each entry is a whole text: a squad file is a few KB, and a whole text cannot go out of
 * step with the document the way a diff could. At most `limit` steps are kept.
 */
export class EditHistory {
  private readonly undos: string[] = [];
  private readonly redos: string[] = [];

  constructor(private readonly limit = 200) {}

  /** Records that the text went from `before` to something new; a new edit clears the redo stack. */
  push(before: string): void {
    this.undos.push(before);
    if (this.undos.length > this.limit) this.undos.shift();
    this.redos.length = 0;
  }

  /** The text before the last edit (and remembers `current` for redo), or null when there is none. */
  undo(current: string): string | null {
    const text = this.undos.pop();
    if (text === undefined) return null;
    this.redos.push(current);
    return text;
  }

  redo(current: string): string | null {
    const text = this.redos.pop();
    if (text === undefined) return null;
    this.undos.push(current);
    return text;
  }

  get canUndo(): boolean {
    return this.undos.length > 0;
  }

  get canRedo(): boolean {
    return this.redos.length > 0;
  }
}
