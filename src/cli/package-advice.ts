// What `validate` and `doctor` say about one package that will not resolve (SPEC R42), so that
// both say the same thing, and name the command that fixes it.
import { dirname, join } from 'node:path';
import { shellPath, type PackageUse } from '../analysis/check-packages';

/**
 * The advice for a package use that resolves nowhere.
 * @param folder the functions folder of the file
 * @example
 * packageAdvice(use, '/app/x.functions', '/app'); // 'requires "axios", one of HubSpot's preloaded packages, ...'
 */
export function packageAdvice(use: PackageUse, folder: string, cwd: string): string {
  const install = `\`hubspot-functions install ${shellPath(folder, cwd)}\``;
  if (use.preloaded) {
    return `requires "${use.name}", one of HubSpot's preloaded packages, which is not installed here yet: run ${install} (or declare your own version in ${join(folder, 'package.json')}).`;
  }
  if (use.declaredIn !== null) {
    const where = dirname(use.declaredIn);
    // install runs npm where the functions folder or a function file's folder has a package.json.
    const fix = where === folder || where === dirname(use.file) ? `run ${install}` : `run \`npm install\` in ${where}`;
    return `requires "${use.name}", declared in ${use.declaredIn} but not installed: ${fix}.`;
  }
  const accident = use.bundledWith === null ? '' : ` (on HubSpot it may have come along as a dependency of the preloaded ${use.bundledWith}; here only the preloaded packages themselves resolve)`;
  return `requires "${use.name}", which no package.json declares and HubSpot does not preload${accident}: add it to ${join(folder, 'package.json')} ("dependencies") and run ${install}.`;
}
