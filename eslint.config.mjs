// @ts-check
// ESLint: typescript-eslint's strict type-checked rules over every TypeScript source, React's hook rules
// over the webview. `npm run lint` runs it; `npm test` runs it before the tests. Each rule turned off or
// tuned below says why.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'artifacts/**', '.squad/**', 'schemas/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.mts', 'eslint.config.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Numbers and booleans read well in messages; objects, undefined and null still may not be interpolated.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `() => void call()` shorthand in handlers is idiomatic; a void value used anywhere else still errors.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // tsconfig's noUncheckedIndexedAccess types every index read `T | undefined`; `!` marks the reads the
      // code has already bounded (a loop over the array's own length, a key just checked), and is reviewed.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Port adapters implement async interfaces with synchronous bodies (the in-memory stores): `async`
      // keeps their contract that a failure is a rejected promise, never a synchronous throw.
      '@typescript-eslint/require-await': 'off',
      // `const { kind: _, ...fields } = event` is how the code drops a field from a copy; the rest is the
      // value used, the named sibling only says what is left out.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // An aborted wait rejects with `signal.reason`, as `signal.throwIfAborted()` and Node's own APIs do
      // (typed `any`), and a port's synchronous throw is passed on as the rejection it stands for (typed
      // `unknown`): both keep the caller's error as it was. A literal non-Error reason still errors.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // Off after its true positives were fixed (needless `?.` on piped child streams and `??` on Express 5
      // route params, narrowed `e.type` checks): most of what it still reported were flags another
      // callback sets while this code awaits (`signal.aborted`, `run.ended`, `stopped`, `closed`), which
      // TypeScript keeps narrowed across `await` (microsoft/TypeScript#9998), `JSON.stringify`, typed
      // `string` though it returns `undefined` for `undefined`, and `afterAll` guards for a `beforeAll`
      // that may have failed. Obeying it there would drop real checks.
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
  {
    // Tests (and the conformance suites they run) read JSON that the code under test wrote and compare it through matchers (`expect.any()` is
    // typed `any`); the assertion is the check, so the no-unsafe family only guards production code.
    files: ['**/*.test.ts', '**/*.test.tsx', '**/*Conformance.ts', '**/e2e/**/*.ts', 'extension/test-electron/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    files: ['webview/**/*.tsx', 'webview/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
);
