// The browser build (package.json "browser"): the extension for the web extension host and its
// Web Worker. Platform browser, so esbuild refuses any node:* import; test/unit/web-build.test.ts
// builds these same targets and checks that nothing from Node got in.

/** @type {import('esbuild').BuildOptions[]} */
export const webTargets = [
  {
    entryPoints: ['src/web/extension.ts'],
    outfile: 'dist/web/extension.js',
    platform: 'browser',
    format: 'cjs',
    target: 'es2022',
    external: ['vscode'],
  },
  {
    entryPoints: ['src/web/worker.ts'],
    outfile: 'dist/web/worker.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];
