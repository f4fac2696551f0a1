// The @vscode-elements custom elements the app uses, registered once when this module loads (each
// import defines its element). They draw themselves from VS Code's --vscode-* theme variables, so
// inside VS Code they follow the user's theme; the standalone page defines the same variables.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { DetailedHTMLProps, HTMLAttributes, Ref } from 'react';

type Base = DetailedHTMLProps<HTMLAttributes<HTMLElement>, HTMLElement> & { ref?: Ref<HTMLElement> };

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- React declares JSX.IntrinsicElements in a namespace; augmenting it takes one
  namespace JSX {
    interface IntrinsicElements {
      'vscode-button': Base & { secondary?: boolean; disabled?: boolean; icon?: string };
      'vscode-checkbox': Base & { checked?: boolean; disabled?: boolean; label?: string };
      'vscode-single-select': Base & { disabled?: boolean; position?: 'above' | 'below' };
      'vscode-option': Base & { value?: string; selected?: boolean; description?: string };
      'vscode-textfield': Base & { value?: string; placeholder?: string; disabled?: boolean; label?: string; type?: string; inputMode?: string };
    }
  }
}
