import type { ReactNode } from 'react';
import './vscodeElements';

export interface VsButtonProps {
  children: ReactNode;
  onClick: () => void;
  secondary?: boolean;
  disabled?: boolean;
  title?: string;
  testId?: string;
  className?: string;
  ariaKeyshortcuts?: string;
}

/**
 * A VS Code button (`<vscode-button>`): Enter and Space press it, it takes the theme's button
 * colours, and a disabled one neither focuses nor fires.
 */
export function VsButton({ children, onClick, secondary, disabled, title, testId, className, ariaKeyshortcuts }: VsButtonProps) {
  return (
    <vscode-button
      secondary={secondary ?? false}
      disabled={disabled ?? false}
      title={title}
      data-testid={testId}
      className={className}
      aria-keyshortcuts={ariaKeyshortcuts}
      onClick={() => {
        if (!disabled) onClick();
      }}
    >
      {children}
    </vscode-button>
  );
}
