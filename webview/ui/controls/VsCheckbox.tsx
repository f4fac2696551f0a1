import { useEffect, useRef } from 'react';
import './vscodeElements';

export interface VsCheckboxProps {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId?: string;
}

/** A VS Code checkbox (`<vscode-checkbox>`): Space toggles it; its label is part of the control. */
export function VsCheckbox({ label, checked, onChange, testId }: VsCheckboxProps) {
  const ref = useRef<HTMLElement & { checked: boolean }>(null);
  const change = useRef(onChange);
  change.current = onChange;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const listener = (): void => change.current(el.checked);
    el.addEventListener('change', listener);
    return () => el.removeEventListener('change', listener);
  }, []);
  useEffect(() => {
    if (ref.current && ref.current.checked !== checked) ref.current.checked = checked;
  }, [checked]);
  return <vscode-checkbox ref={ref} label={label} checked={checked} data-testid={testId} />;
}
