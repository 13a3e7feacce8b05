// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', '.vscode-test/', 'samples/', '*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly', process: 'readonly', URL: 'readonly', setTimeout: 'readonly',
        clearTimeout: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The core runs in the extension host, a worker, a browser and the CLI: it must not
    // reach for the editor or for Node's standard library.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['vscode'], message: 'src/core is pure: no vscode imports.' },
          { group: ['node:*'], message: 'src/core is pure: no node:* imports.' },
          { group: ['fs', 'path', 'os', 'zlib', 'stream', 'worker_threads', 'child_process', 'util', 'crypto', 'events', 'buffer'], message: 'src/core is pure: no Node built-ins.' },
          { group: ['../extension/*', '../cli/*', '../webview/*', '**/extension/**', '**/cli/**', '**/webview/**'], message: 'src/core depends on nothing above it.' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'require', message: 'src/core is pure.' },
        { name: 'Buffer', message: 'src/core is pure: use Uint8Array.' },
        { name: 'process', message: 'src/core is pure.' },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['vscode'], message: 'src/shared is imported by the webview: no vscode.' },
        { group: ['node:*'], message: 'src/shared is imported by the webview: no node:*.' },
      ] }],
    },
  },
);
