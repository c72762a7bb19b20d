// The opt-in route that lets a locally served UI extension call app functions by name
// (issue #5, `appFunctionsRoute: true`): POST <projects prefix>/app-functions/<name>, with a
// JSON body { parameters, propertiesToSend, event } (SPEC R3, R40).
import type { FunctionDefinition } from '../definitions';

/** Finds app functions by name under `<projectsPrefix>/app-functions/`. */
export function createAppFunctionRoute(projectsPrefix: string, definitions: readonly FunctionDefinition[]) {
  const base = `${projectsPrefix}/app-functions/`;
  const byName = new Map<string, FunctionDefinition>();
  for (const d of definitions) {
    // appFunctions names and hsmeta uids: what a UI extension's runServerlessFunction names.
    if (d.kind !== 'endpoint' && !byName.has(d.name)) byName.set(d.name, d);
  }
  return {
    /** The app function a path names, or undefined when the path is not this route's. */
    match(path: string): FunctionDefinition | undefined {
      if (!path.startsWith(base)) return undefined;
      let name = path.slice(base.length).replace(/\/$/, '');
      try {
        name = decodeURIComponent(name);
      } catch {
        return undefined;
      }
      return byName.get(name);
    },
  };
}
