// Builds dist/: tsc emits CommonJS with declarations, then every public entry gets an ESM twin
// (`.mjs` + `.d.mts`) that re-exports the CommonJS module's named exports, so `import` and
// `require` share one module instance (no dual-package hazard for HubSpotFunctionsError).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const pkg = require(join(root, 'package.json'));

rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], {
  cwd: root,
  stdio: 'inherit',
});

// The dashboard's page, stylesheet and script are read at runtime (issue #6): no build step.
cpSync(join(root, 'src/dashboard/assets'), join(root, 'dist/src/dashboard/assets'), { recursive: true });

for (const [entry, target] of Object.entries(pkg.exports)) {
  if (typeof target === 'string') continue;
  const cjs = join(root, target.require.default);
  const names = Object.keys(require(cjs)).filter((n) => n !== '__esModule' && n !== 'default');
  const base = './' + relative(dirname(cjs), cjs);
  writeFileSync(
    join(root, target.import.default),
    `// ESM entry for "${pkg.name}${entry.slice(1)}": re-exports the CommonJS build.\n` +
      `import m from '${base}';\n` +
      (names.length ? `export const { ${names.join(', ')} } = m;\n` : ''),
  );
  writeFileSync(join(root, target.import.types), `export * from '${base}';\n`);
}
