// Static reading of a function file (never executed): what `validate`, `doctor`, `install` and
// the mount-time package check need to know about it, from acorn's syntax tree. Acorn is already a dependency; the walk below visits every
// node that has a `type`, which is all ESTree needs.
import type { Node } from 'acorn';
import { parseJavaScript } from './parse-javascript';

/** How the file exports `main` (SPEC R40), as far as the syntax shows. */
export interface MainExport {
  /** Whether `main` is exported in a way the syntax shows. */
  found: boolean;
  async: boolean;
  /** Declared parameters; a rest parameter counts as two (SPEC R41: callback style). */
  params: number;
  line?: number;
  /** Calls of the second parameter (`sendResponse(...)`) anywhere in main, nested callbacks included. */
  callbackCalls: number;
  /** Whether main itself returns a value (`return x`, an expression body), not counting `return sendResponse(...)`. */
  returnsValue: boolean;
}

/** A place in the source worth pointing at. */
export interface SourceHit {
  line: number;
  text: string;
}

/** What a scan found. */
export interface SourceScan {
  /** Parse error, when the file is neither a valid script nor a valid module. */
  syntaxError?: { message: string; line: number };
  module: boolean;
  main: MainExport;
  /** Bare specifiers of require(), import and import() with a literal argument. */
  imports: Array<{ specifier: string; line: number }>;
  /** `<x>.secrets` reads (SPEC R29). */
  secretsReads: SourceHit[];
  /** Header reads with an upper-case name, e.g. `headers['User-Agent']` (SPEC R25). */
  titleCaseHeaders: SourceHit[];
  /** String literals naming HubSpot-hosted places that do not exist off HubSpot. */
  hubspotHosts: SourceHit[];
  /** Reads of `context.contact` (SPEC R27: null here until a `contact` hook is configured). */
  contactReads: SourceHit[];
  /** HubSpot API keys: `hapikey=` query parameters, `hapikey` keys, `apiKey` client options (retired by HubSpot). */
  apiKeys: SourceHit[];
}

type AnyNode = Node & Record<string, unknown>;

function walk(node: unknown, visit: (node: AnyNode, parent: AnyNode | null) => void, parent: AnyNode | null = null, skip?: (node: AnyNode) => boolean): void {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit, parent, skip);
    return;
  }
  const n = node as AnyNode;
  if (typeof n.type !== 'string') return;
  if (skip?.(n)) return;
  visit(n, parent);
  for (const key of Object.keys(n)) {
    if (key === 'loc' || key === 'start' || key === 'end' || key === 'type') continue;
    walk(n[key], visit, n, skip);
  }
}

const lineOf = (node: AnyNode): number => (node.loc as { start: { line: number } } | undefined)?.start.line ?? 0;

function propertyName(node: AnyNode): string | undefined {
  const property = node.property as AnyNode;
  if (!node.computed && property.type === 'Identifier') return property.name as string;
  if (property.type === 'Literal' && typeof property.value === 'string') return property.value;
  return undefined;
}

// HubSpot-hosted places: the CMS's own API paths and domains (issue #6 "HubSpot-only hosts").
const HUBSPOT_HOSTED = /(\/_hcms\/|\.hs-sites\.com|hubspotusercontent|\.hubspotpagebuilder\.com|\.hs-sites-eu1\.com|\/hs\/serverless\/)/i;

const isFunction = (node: AnyNode | undefined): node is AnyNode =>
  node !== undefined && (node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression' || node.type === 'FunctionDeclaration');

function functionInfo(fn: AnyNode | undefined): Omit<MainExport, 'found' | 'line'> | undefined {
  if (!isFunction(fn)) return undefined;
  const params = fn.params as AnyNode[];
  const rest = params.some((p) => p.type === 'RestElement');
  const callback = params[1]?.type === 'Identifier' ? (params[1].name as string) : params[1]?.type === 'AssignmentPattern' && (params[1].left as AnyNode).type === 'Identifier' ? ((params[1].left as AnyNode).name as string) : undefined;
  const isCallbackCall = (node: AnyNode | null | undefined): boolean =>
    callback !== undefined && node?.type === 'CallExpression' && (node.callee as AnyNode).type === 'Identifier' && (node.callee as AnyNode).name === callback;
  let callbackCalls = 0;
  walk(fn.body, (node) => {
    if (isCallbackCall(node)) callbackCalls++;
  });
  let returnsValue = false;
  const body = fn.body as AnyNode;
  if (body.type !== 'BlockStatement') returnsValue = !isCallbackCall(body) && !isUndefined(body);
  else {
    // main's own return statements: nested functions return to their own callers.
    walk(body, (node) => {
      if (node.type === 'ReturnStatement' && node.argument !== null && !isCallbackCall(node.argument as AnyNode) && !isUndefined(node.argument as AnyNode)) returnsValue = true;
    }, null, (node) => isFunction(node));
  }
  return { async: fn.async === true, params: params.length + (rest ? 1 : 0), callbackCalls, returnsValue };
}

function isUndefined(node: AnyNode): boolean {
  return (node.type === 'Identifier' && node.name === 'undefined') || (node.type === 'UnaryExpression' && node.operator === 'void');
}

/** The name of main's first parameter (`context`), or the names an object pattern takes from it. */
function contextParam(fn: AnyNode | undefined): { name?: string; pattern?: AnyNode } {
  const first = isFunction(fn) ? (fn.params as AnyNode[])[0] : undefined;
  const param = first?.type === 'AssignmentPattern' ? (first.left as AnyNode) : first;
  if (param?.type === 'Identifier') return { name: param.name as string };
  if (param?.type === 'ObjectPattern') return { pattern: param };
  return { name: 'context' };
}

/** The `contact` property of an object pattern (`{ accountId, contact }`), if it takes one. */
function patternTakesContact(pattern: AnyNode): AnyNode | undefined {
  return (pattern.properties as AnyNode[]).find((p) => p.type === 'Property' && keyName(p) === 'contact');
}

function keyName(property: AnyNode): string | undefined {
  const key = property.key as AnyNode | undefined;
  if (key === undefined) return undefined;
  if (!property.computed && key.type === 'Identifier') return key.name as string;
  return key.type === 'Literal' && typeof key.value === 'string' ? key.value : undefined;
}

/**
 * Parses `source` (as a script, then as a module) and collects what the CLI reports on.
 * @example
 * scanFunctionSource("exports.main = async (context) => ({ body: 'hi' })").main; // { found: true, async: true, params: 1, line: 1 }
 */
export function scanFunctionSource(source: string): SourceScan {
  let ast: AnyNode;
  let module = false;
  const options = { ecmaVersion: 'latest' as const, locations: true, allowHashBang: true, allowReturnOutsideFunction: true };
  try {
    ast = parseJavaScript(source, { ...options, sourceType: 'script' }) as unknown as AnyNode;
  } catch {
    try {
      ast = parseJavaScript(source, { ...options, sourceType: 'module', allowReturnOutsideFunction: false }) as unknown as AnyNode;
      module = true;
    } catch (error) {
      const loc = (error as { loc?: { line: number } }).loc;
      return {
        syntaxError: { message: (error as Error).message, line: loc?.line ?? 0 },
        module: false,
        main: { found: false, async: false, params: 0, callbackCalls: 0, returnsValue: false },
        imports: [],
        secretsReads: [],
        titleCaseHeaders: [],
        hubspotHosts: [],
        contactReads: [],
        apiKeys: [],
      };
    }
  }

  const declared = new Map<string, AnyNode>();
  const scan: SourceScan = {
    module, main: { found: false, async: false, params: 0, callbackCalls: 0, returnsValue: false },
    imports: [], secretsReads: [], titleCaseHeaders: [], hubspotHosts: [], contactReads: [], apiKeys: [],
  };
  let mainNode: AnyNode | undefined;
  const exportMain = (value: AnyNode | undefined, node: AnyNode): void => {
    const target = value?.type === 'Identifier' ? declared.get(value.name as string) : value;
    const info = functionInfo(target);
    if (isFunction(target)) mainNode = target;
    scan.main = { found: true, async: info?.async ?? false, params: info?.params ?? 0, line: lineOf(node), callbackCalls: info?.callbackCalls ?? 0, returnsValue: info?.returnsValue ?? false };
  };

  // Function declarations and `const main = …` first, so that `exports.main = main` finds them.
  walk(ast, (node) => {
    if (node.type === 'FunctionDeclaration' && (node.id as AnyNode | null)?.name) declared.set((node.id as AnyNode).name as string, node);
    if (node.type === 'VariableDeclarator' && (node.id as AnyNode).type === 'Identifier' && node.init) {
      declared.set((node.id as AnyNode).name as string, node.init as AnyNode);
    }
  });

  walk(ast, (node) => {
    switch (node.type) {
      case 'AssignmentExpression': {
        const left = node.left as AnyNode;
        if (left.type !== 'MemberExpression') break;
        const object = left.object as AnyNode;
        const name = propertyName(left);
        const isExports = object.type === 'Identifier' && object.name === 'exports';
        const isModuleExports = object.type === 'MemberExpression' && (object.object as AnyNode).type === 'Identifier' &&
          (object.object as AnyNode).name === 'module' && propertyName(object) === 'exports';
        if ((isExports || isModuleExports) && name === 'main') exportMain(node.right as AnyNode, node);
        // module.exports = { main } / { main: … }
        const isModule = object.type === 'Identifier' && object.name === 'module' && name === 'exports';
        if (isModule && (node.right as AnyNode).type === 'ObjectExpression') {
          for (const prop of (node.right as AnyNode).properties as AnyNode[]) {
            const key = prop.key as AnyNode | undefined;
            if (prop.type === 'Property' && key && ((key.type === 'Identifier' && key.name === 'main') || key.value === 'main')) exportMain(prop.value as AnyNode, prop);
          }
        }
        break;
      }
      case 'ExportNamedDeclaration': {
        const from = node.source as AnyNode | null;
        if (from?.type === 'Literal' && typeof from.value === 'string') scan.imports.push({ specifier: from.value, line: lineOf(node) });
        const declaration = node.declaration as AnyNode | null;
        if (declaration?.type === 'FunctionDeclaration' && (declaration.id as AnyNode).name === 'main') exportMain(declaration, node);
        if (declaration?.type === 'VariableDeclaration') {
          for (const d of declaration.declarations as AnyNode[]) {
            if ((d.id as AnyNode).name === 'main') exportMain(d.init as AnyNode, node);
          }
        }
        for (const spec of (node.specifiers as AnyNode[]) ?? []) {
          const exported = spec.exported as AnyNode;
          if (exported.name === 'main' || exported.value === 'main') exportMain(spec.local as AnyNode, node);
        }
        break;
      }
      case 'CallExpression': {
        const callee = node.callee as AnyNode;
        const arg = (node.arguments as AnyNode[])[0];
        if (callee.type === 'Identifier' && callee.name === 'require' && arg?.type === 'Literal' && typeof arg.value === 'string') {
          scan.imports.push({ specifier: arg.value, line: lineOf(node) });
        }
        break;
      }
      case 'ImportDeclaration':
      case 'ImportExpression':
      case 'ExportAllDeclaration': {
        const src = node.source as AnyNode;
        if (src.type === 'Literal' && typeof src.value === 'string') scan.imports.push({ specifier: src.value, line: lineOf(node) });
        break;
      }
      case 'MemberExpression': {
        const name = propertyName(node);
        const object = node.object as AnyNode;
        if (name === 'secrets' && object.type === 'Identifier' && object.name !== 'process') {
          scan.secretsReads.push({ line: lineOf(node), text: `${object.name as string}.secrets` });
        }
        const objectName = object.type === 'Identifier' ? object.name : object.type === 'MemberExpression' ? propertyName(object) : undefined;
        if (objectName === 'headers' && name !== undefined && /[A-Z]/.test(name)) {
          scan.titleCaseHeaders.push({ line: lineOf(node), text: name });
        }
        break;
      }
      case 'Literal':
      case 'TemplateElement': {
        const value = node.type === 'Literal' ? node.value : (node.value as { cooked?: string }).cooked;
        if (typeof value === 'string' && HUBSPOT_HOSTED.test(value)) scan.hubspotHosts.push({ line: lineOf(node), text: value.length > 80 ? `${value.slice(0, 77)}...` : value });
        if (typeof value === 'string' && /[?&]hapikey=/i.test(value)) scan.apiKeys.push({ line: lineOf(node), text: 'hapikey=' });
        break;
      }
      case 'Property':
        // `qs: { hapikey: KEY }`: the query parameter built as an object.
        if (keyName(node) === 'hapikey') scan.apiKeys.push({ line: lineOf(node), text: 'hapikey' });
        break;
      case 'NewExpression':
        // `new hubspot.Client({ apiKey })`: @hubspot/api-client's API key option.
        for (const arg of node.arguments as AnyNode[]) {
          if (arg.type !== 'ObjectExpression') continue;
          for (const prop of arg.properties as AnyNode[]) if (prop.type === 'Property' && keyName(prop) === 'apiKey') scan.apiKeys.push({ line: lineOf(prop), text: 'apiKey' });
        }
        break;
    }
  });
  findContactReads(ast, mainNode, scan.contactReads);
  // One finding per line: `x.headers.Cookie === undefined ? null : x.headers.Cookie` is one read.
  scan.secretsReads = uniqueHits(scan.secretsReads);
  scan.titleCaseHeaders = uniqueHits(scan.titleCaseHeaders);
  scan.hubspotHosts = uniqueHits(scan.hubspotHosts);
  scan.contactReads = uniqueHits(scan.contactReads);
  scan.apiKeys = uniqueHits(scan.apiKeys);
  return scan;
}

/** Reads of main's context `contact`: `context.contact`, `({ contact })`, `const { contact } = context`. */
function findContactReads(ast: AnyNode, main: AnyNode | undefined, hits: SourceHit[]): void {
  const { name, pattern } = contextParam(main);
  const taken = pattern === undefined ? undefined : patternTakesContact(pattern);
  if (taken !== undefined) hits.push({ line: lineOf(taken), text: 'context.contact' });
  if (name === undefined) return;
  walk(ast, (node) => {
    if (node.type === 'MemberExpression' && (node.object as AnyNode).type === 'Identifier' && (node.object as AnyNode).name === name && propertyName(node) === 'contact') {
      hits.push({ line: lineOf(node), text: `${name}.contact` });
    }
    if (node.type === 'VariableDeclarator' && (node.id as AnyNode).type === 'ObjectPattern' && (node.init as AnyNode | null)?.type === 'Identifier' && (node.init as AnyNode).name === name) {
      const property = patternTakesContact(node.id as AnyNode);
      if (property !== undefined) hits.push({ line: lineOf(property), text: `${name}.contact` });
    }
  });
}

function uniqueHits(hits: SourceHit[]): SourceHit[] {
  const seen = new Set<string>();
  return hits.filter((h) => {
    const key = `${h.line}\0${h.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
