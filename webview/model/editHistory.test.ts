import { describe, expect, it } from 'vitest';
import { EditHistory } from './editHistory';

describe('EditHistory', () => {
  it('undoes and redoes whole texts in order, and a new edit clears redo', () => {
    const h = new EditHistory();
    expect(h.undo('a')).toBeNull();
    h.push('a'); // a → b
    h.push('b'); // b → c
    expect(h.undo('c')).toBe('b');
    expect(h.undo('b')).toBe('a');
    expect(h.canUndo).toBe(false);
    expect(h.redo('a')).toBe('b');
    h.push('b'); // b → d
    expect(h.canRedo).toBe(false);
    expect(h.undo('d')).toBe('b');
  });
  it('keeps at most its limit', () => {
    const h = new EditHistory(2);
    for (const t of ['1', '2', '3']) h.push(t);
    expect(h.undo('4')).toBe('3');
    expect(h.undo('3')).toBe('2');
    expect(h.undo('2')).toBeNull();
  });
});
