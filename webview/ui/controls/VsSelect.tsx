import { useEffect, useLayoutEffect, useRef, type CSSProperties } from 'react';
import './vscodeElements';

export interface VsSelectProps {
  id?: string;
  label: string;
  value: string;
  options: readonly { value: string; label?: string }[];
  onChange: (value: string) => void;
  disabled?: boolean;
  style?: CSSProperties;
  testId?: string;
}

/**
 * A VS Code dropdown (`<vscode-single-select>`): type-ahead, ↑/↓, Enter and Escape as in VS Code's
 * own. The value is set after the options render, since the element picks among its children.
 */
export function VsSelect({ id, label, value, options, onChange, disabled, style, testId }: VsSelectProps) {
  const ref = useRef<HTMLElement & { value: string }>(null);
  const change = useRef(onChange);
  change.current = onChange;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const listener = (): void => change.current(el.value);
    el.addEventListener('change', listener);
    return () => el.removeEventListener('change', listener);
  }, []);
  const keys = options.map((o) => o.value).join('\n');
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    // The element reads its options when they are slotted, a microtask after React appends them.
    queueMicrotask(() => {
      if (el.value !== value) el.value = value;
    });
  }, [value, keys]);
  return (
    <vscode-single-select ref={ref} id={id} aria-label={label} title={label} disabled={disabled ?? false} style={style} data-testid={testId} data-value={value}>
      {options.map((o) => (
        <vscode-option key={o.value} value={o.value}>
          {o.label ?? o.value}
        </vscode-option>
      ))}
    </vscode-single-select>
  );
}
