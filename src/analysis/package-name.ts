// The package a bare module specifier names (SPEC R42): what a function file's `require()` or
// `import` must find in a node_modules folder, as opposed to a relative file or a Node built-in.
import { builtinModules } from 'node:module';

const BUILTINS = new Set(builtinModules);

/**
 * The package a bare specifier names (`lodash/get` → `lodash`, `@scope/x/y` → `@scope/x`); null
 * for a relative or absolute path, a `#` import, a URL or a Node built-in.
 * @example
 * packageNameOf('@hubspot/api-client/lib/x'); // '@hubspot/api-client'
 */
export function packageNameOf(specifier: string): string | null {
  if (specifier === '' || /^[./#]/.test(specifier) || /^[a-z][a-z0-9+.-]*:/i.test(specifier)) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return BUILTINS.has(name) ? null : name;
}
