// Flat config: typescript-eslint's recommended rules, plus the boundary rules of design.md:
// the webview and the shared modules never import `vscode` or Node built-ins; the engine and the CLI never `vscode`.
import tseslint from 'typescript-eslint';

const nodeOnly = {
  paths: [
    { name: 'vscode', message: 'The webview and src/shared run without VS Code: pass data through the protocol.' },
  ],
  patterns: [
    { group: ['node:*'], message: 'The webview and src/shared run in a browser: no Node built-ins.' },
    {
      group: ['fs', 'path', 'os', 'crypto', 'child_process', 'fs/promises', 'url', 'util', 'stream'],
      message: 'No Node built-ins here.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      '.vscode-host/**',
      '.vscode-test/**',
      '.test-artifacts/**',
      'demo/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/webview/**/*.ts', 'src/shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', nodeOnly] },
  },
  {
    files: ['src/extension/dataset/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'The dataset engine is VS Code-free so it runs in plain Node.' }] },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The command line runs without VS Code: use the dataset engine.' }],
          // The host layer imports vscode; the CLI reaches only the engine (extension/dataset) and src/shared.
          patterns: [
            {
              group: ['**/extension/*', '!**/extension/dataset'],
              message: 'The CLI imports only extension/dataset/** and shared/**.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
