// ESLint (issue #16): typescript-eslint's type-aware recommended rules on the library (src/,
// adapters/), which is what users run; tests, benchmarks and scripts are checked by tsc only.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/**', 'test/**', 'examples/**', 'scripts/**', 'bin/**', 'src/dashboard/assets/**', '*.mjs'] },
  {
    files: ['src/**/*.ts', 'adapters/**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `_name` is how a deliberately unused binding is written (a destructured key left out).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // String(value) on `unknown` values the code has already narrowed to primitives (form fields,
      // HubSpot's property values, a status that is not a number) is intended; the rule cannot
      // see such narrowing, and every site would need a cast that says nothing more.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
);
