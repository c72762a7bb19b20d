// The in-process runner (SPEC R44 `inline`): functions run in the host process, for speed and
// for tests that intercept outbound HTTP in-process. process.env, console capture and the
// outbound records and routing (issue #13) are still per function and per invocation
// (AsyncLocalStorage); a CPU-bound loop, memory, process.exit and a throw inside a timer cannot be
// contained here: that is the worker runner's job.
import type { InstanceSpec, LoadResult, RunRequest, RunResult, Runner, RunnerEvent, SerializedError } from '../definitions';
import { HubSpotFunctionsError } from '../errors';
import { retainScopedEnv, runWithEnv } from '../env/scoped-env';
import { runInScope } from '../invoke/invocation-scope';
import type { OutboundSink } from '../outbound/outbound-context';
import { executeFunction } from '../invoke/execute-function';
import type { LoadedFunction } from '../invoke/execute-function';
import { detectCallbackStyle } from '../invoke/detect-callback-style';
import { loadFunctionModule } from '../invoke/load-function-module';
import { serializeError } from '../invoke/serialize-error';
import { retainConsoleCapture } from '../logs/console-capture';
import { retainOutboundInterception } from '../outbound/intercept-outbound';
import type { ResolvedOutbound } from '../outbound/outbound-policy';
import { retainPreloadedResolution } from '../preloaded/resolve-preloaded';

/** One function's instance: its env object lives as long as the instance (SPEC R30). */
interface Instance {
  generation: number;
  env: Record<string, string>;
  loaded: LoadedFunction | null;
  error: SerializedError | null;
  /** Ends its modules' fallback to the preloaded packages (SPEC R42). */
  releasePreloaded(): void;
}

/**
 * Creates the in-process runner: one module instance per function definition, run inside its
 * own scoped process.env and console capture.
 * @example
 * const runner = createInlineRunner({ closeTimeoutMs: 5000, onEvent: (e) => console.warn(e.message) });
 * await runner.prepare(spec);
 * const result = await runner.run({ requestId, functionId: spec.definition.id, data, timeoutMs: 10000 });
 */
export function createInlineRunner(options: {
  closeTimeoutMs: number;
  onEvent: (event: RunnerEvent) => void;
  /** Where functions' outbound calls go, unless a spec says otherwise (issue #13). @default null */
  outbound?: ResolvedOutbound | null;
}): Runner {
  const instances = new Map<string, Instance>();
  // Calls under way, and who waits for them to end (close()); a count, not a set of promises,
  // so a call costs no extra promise (issue #12).
  let inFlight = 0;
  let drained: (() => void) | null = null;
  const hooks = {
    onEvent: options.onEvent,
    onSettled: (): void => {
      if (--inFlight === 0 && drained !== null) drained();
    },
  };
  let generations = 0;
  let closed = false;
  let releases: Array<() => void> | null = null;

  // The env proxy, the console patch and the outbound interception are installed on first use,
  // not at creation: a host with no inline function pays nothing for them.
  const retain = (): void => {
    if (releases === null) releases = [retainScopedEnv(), retainConsoleCapture(), retainOutboundInterception()];
  };

  async function prepare(spec: InstanceSpec): Promise<LoadResult> {
    if (closed) return { ok: false, error: serializeError(closedError(), []) };
    retain();
    const id = spec.definition.id;
    const generation = ++generations;
    // The instance's own env object: writes during load and later calls stay in it (SPEC R30).
    const env = { ...spec.env };
    const preloaded = spec.preloaded ?? {};
    // SPEC R42: helpers the function requires later fall back to the set too, for the instance's life.
    const releasePreloaded = retainPreloadedResolution(spec.definition, preloaded);
    const outbound = spec.outbound !== undefined ? spec.outbound : options.outbound ?? null;
    let instance: Instance;
    try {
      // SPEC R30: the env is visible at module load (top-level `const { KEY } = process.env`);
      // issue #13: calls made at load (and by timers set then) are routed, though no record lists them.
      const scope = { env, log: null, outbound: outbound === null ? null : routingOnly(outbound), call: null };
      const main = await runInScope(scope, () => loadFunctionModule(spec.definition.file, `${id}#${generation}`, preloaded));
      const loaded = { definition: spec.definition, main, callbackStyle: detectCallbackStyle(main), redactions: spec.redactions, outbound };
      instance = { generation, env, loaded, error: null, releasePreloaded };
    } catch (error) {
      instance = { generation, env, loaded: null, error: serializeError(error, spec.redactions), releasePreloaded };
    }
    // A later prepare of the same id may have finished first: the newest one wins.
    const current = instances.get(id);
    if (current === undefined || current.generation < generation) {
      current?.releasePreloaded();
      instances.set(id, instance);
    } else instance.releasePreloaded();
    return instance.error === null ? { ok: true } : { ok: false, error: instance.error };
  }

  function run(request: RunRequest): Promise<RunResult> {
    const instance = instances.get(request.functionId);
    if (closed) return Promise.resolve(failed('HSF_CLOSED', serializeError(closedError(), [])));
    if (instance === undefined) {
      const error = new HubSpotFunctionsError('HSF_FUNCTION_LOAD_FAILED', `No function "${request.functionId}" was prepared in this runner; call prepare(spec) first.`);
      return Promise.resolve(failed('HSF_FUNCTION_LOAD_FAILED', serializeError(error, [])));
    }
    if (instance.loaded === null) return Promise.resolve(failed('HSF_FUNCTION_LOAD_FAILED', instance.error!));
    const loaded = instance.loaded;
    inFlight++;
    // executeFunction never rejects: every failure of the function is an outcome.
    return runWithEnv(instance.env, () => executeFunction(loaded, request, hooks));
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    if (inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        drained = resolve;
        timer = setTimeout(resolve, options.closeTimeoutMs);
        timer.unref();
      });
      clearTimeout(timer);
    }
    for (const instance of instances.values()) instance.releasePreloaded();
    instances.clear();
    for (const release of releases ?? []) release();
    releases = null;
  }

  function release(functionId: string): Promise<void> {
    // Calls under way hold their own instance; new calls can no longer reach this one.
    instances.get(functionId)?.releasePreloaded();
    instances.delete(functionId);
    return Promise.resolve();
  }

  return { prepare, run, release, close };
}

/** A sink that routes by `policy` and lists nothing: a function's calls outside any invocation. */
function routingOnly(policy: ResolvedOutbound): OutboundSink {
  return { outboundPolicy: policy, startOutbound: () => -1, endOutbound: () => undefined };
}

/** A result for an invocation that did not run. */
function failed(code: 'HSF_CLOSED' | 'HSF_FUNCTION_LOAD_FAILED' | 'HSF_FUNCTION_ERROR', error: SerializedError): RunResult {
  return { outcome: { type: 'error', code, error }, log: '', executionTime: 0, memoryUsedMb: 0 };
}

function closedError(): HubSpotFunctionsError {
  return new HubSpotFunctionsError('HSF_CLOSED', 'The runner was closed; it no longer runs functions. Create a new host.');
}
