import { useEffect, useRef, type CSSProperties, type KeyboardEvent } from 'react';
import './vscodeElements';

export interface VsTextFieldProps {
  id?: string;
  /** The accessible name (the element puts it on its inner input). */
  label: string;
  value: string;
  onInput: (value: string) => void;
  onBlur?: () => void;
  onKeyDown?: (e: KeyboardEvent<HTMLElement>) => void;
  placeholder?: string;
  inputMode?: 'numeric' | 'text';
  style?: CSSProperties;
  testId?: string;
}

/**
 * A VS Code text field (`<vscode-textfield>`). Controlled: the element's `value` follows the prop,
 * and each keystroke reports the element's value (its `input` event crosses the shadow root).
 */
export function VsTextField({ id, label, value, onInput, onBlur, onKeyDown, placeholder, inputMode, style, testId }: VsTextFieldProps) {
  const ref = useRef<HTMLElement & { value: string }>(null);
  const input = useRef(onInput);
  input.current = onInput;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const listener = (): void => input.current(el.value);
    el.addEventListener('input', listener);
    return () => el.removeEventListener('input', listener);
  }, []);
  useEffect(() => {
    if (ref.current && ref.current.value !== value) ref.current.value = value;
  }, [value]);
  return (
    <vscode-textfield ref={ref} id={id} label={label} aria-label={label} placeholder={placeholder} inputMode={inputMode} style={style} data-testid={testId} onBlur={onBlur} onKeyDown={onKeyDown} />
  );
}
