// Internal shapes passed between the core's modules: what configuration produces, and what a
// runner receives and answers. Not part of the public API.
import type { ErrorCode } from './errors';
import type { FunctionKind } from './types';

/** One route entry (SPEC R9), fully resolved at mount time by src/config. */
export interface FunctionDefinition {
  /** Unique and stable: `<folder relative to cwd>#<name>` (hsmeta: `<hsmeta file relative to cwd>#<uid>`). */
  id: string;
  kind: FunctionKind;
  /** The endpoint key, the `appFunctions` name, or the hsmeta uid. */
  name: string;
  /** The config path without leading or trailing slash (context.endpoint, SPEC R20); null when private. */
  endpoint: string | null;
  /** Upper-case, deduplicated, in config order (SPEC R5). Empty for private functions. */
  methods: string[];
  /** The URL path with its prefix, no trailing slash (SPEC R10, R11); null when private. */
  path: string | null;
  /** Absolute path of the function file (SPEC R6). */
  file: string;
  /** Absolute path of the functions folder (hsmeta: the folder that holds the hsmeta file). */
  folder: string;
  /** Absolute path of the serverless.json or *-hsmeta.json that declared it. */
  configFile: string;
  /** Merged `environment`: top level, then the endpoint's (endpoint wins), values as strings (SPEC R30). */
  environment: Record<string, string>;
  /** Declared secret names: top level, then the endpoint's (or `secretKeys`), deduplicated (SPEC R30). */
  secrets: string[];
  /** Project functions (appFunctions, hsmeta) also get PRIVATE_APP_ACCESS_TOKEN when provided (SPEC R30). */
  isProject: boolean;
  /** Warnings about this entry, as messages (also reported through onWarning). */
  warnings: string[];
  /** Position in mount order (source array order, then sorted paths): "last" for `last-wins` (SPEC R8). */
  order: number;
}

/** The plain, structured-clonable context data a runner revives into the function's `context`. */
export interface ContextData {
  kind: 'endpoint' | 'appFunction';
  /** For endpoints: accountId, body, contact, headers (plain, lower-cased), params (plain), limits, method, endpoint, secrets?, rawBody?, url?. For app functions: parameters, propertiesToSend, event, accountId, limits, secrets?. */
  context: Record<string, unknown>;
}

/** What a runner needs to create an instance of one function. */
export interface InstanceSpec {
  definition: FunctionDefinition;
  /** The function's whole `process.env` (SPEC R30, R31): allow-listed host names, environment, secrets, TZ=UTC. */
  env: Record<string, string>;
  /** Secret values to redact from logs and error bodies (SPEC R33): [NAME, value], values of 4+ chars. */
  redactions: Array<[name: string, value: string]>;
  memoryLimitMb: number;
  /** The installed preloaded packages its modules may fall back to, by name (SPEC R42). @default none */
  preloaded?: Record<string, string>;
}

/** One invocation handed to a runner. */
export interface RunRequest {
  requestId: string;
  functionId: string;
  data: ContextData;
  timeoutMs: number;
}

/** The response a function gave, already turned into exact bytes (SPEC R50–R54). */
export interface MappedResponse {
  statusCode: number;
  /** Header pairs in order, names as the function wrote them; repeated names allowed (Set-Cookie). */
  headers: Array<[name: string, value: string]>;
  body: Buffer;
}

/** An error as it crosses a worker boundary and lands in a log record (SPEC R60). */
export interface SerializedError {
  type: string;
  message: string;
  stackTrace: string[];
}

export type RunOutcome =
  | { type: 'response'; response: MappedResponse; /** the app function's JSON result (SPEC R40) */ value?: unknown }
  | { type: 'error'; code: ErrorCode; error: SerializedError }
  | { type: 'timeout' };

/** What a runner answers for one invocation. */
export interface RunResult {
  outcome: RunOutcome;
  /** Captured console text, redacted, at most 4 KB keeping the end (SPEC R61). */
  log: string;
  /** Wall time of the function in ms. */
  executionTime: number;
  /** Memory in use by the instance after the call, in MB (for the record's `memory`). */
  memoryUsedMb: number;
}

/** The result of loading one instance (modules load behind `ready`, SPEC R7). */
export type LoadResult = { ok: true } | { ok: false; error: SerializedError };

/**
 * Running a function sits behind this one interface; the inline and the worker runner implement
 * it and the rest of the core cannot tell them apart (STYLE: "Shape").
 */
export interface Runner {
  /** Registers (or replaces) a function's instance spec and loads it; resolves with the load result. */
  prepare(spec: InstanceSpec): Promise<LoadResult>;
  /** Runs one invocation. Never rejects: every failure is an outcome. */
  run(request: RunRequest): Promise<RunResult>;
  /** Drops one function (removed by a reload): its in-flight calls finish, then its instances end. */
  release(functionId: string): Promise<void>;
  /** Stops everything: in-flight calls finish (bounded by closeTimeoutMs), then instances end. */
  close(): Promise<void>;
}

/** Something a runner reports outside a result: a second sendResponse, a late error (SPEC R47). */
export interface RunnerEvent {
  requestId: string;
  functionId: string;
  level: 'WARN' | 'ERROR';
  message: string;
}

