// Whether a function is written in callback style (SPEC R41): `main(context, sendResponse)`.
// "Declares" is read from the parameter list with a real parser, because `fn.length` stops at
// the first default value: `(c = {}, cb) => {}` has length 0 but declares a callback. A plain
// list of names (the common case) is counted without the parser, which then never loads into the
// instance (issue #12: about 1 MiB per idle worker).
import type { Node } from 'acorn';
import { parseJavaScript } from '../analysis/parse-javascript';

/** Any function: only its parameter list is read. */
type AnyFunction = (...args: never[]) => unknown;

const cache = new WeakMap<AnyFunction, boolean>();

// fn.toString() returns the source text of the function itself, in one of these forms:
//   function [name](params) {}    async function [name](params) {}    function* …
//   (params) => body    param => body    async (params) => body    async param => body
//   name(params) {}    async name(params) {}    [computed](params) {}    static name(params) {}
// The first two families parse as a parenthesised expression, methods inside an object literal,
// and `static` methods inside a class body.
const WRAPPERS: Array<[prefix: string, suffix: string]> = [
  ['(', '\n)'],
  ['({', '\n})'],
  ['(class {', '\n})'],
];

interface FunctionNode extends Node {
  params: Node[];
}

/**
 * Whether `fn` declares two or more parameters, or a rest parameter: then it is called with
 * `sendResponse` and waited for until it calls back or times out (SPEC R41). Cached per function.
 */
export function detectCallbackStyle(fn: AnyFunction): boolean {
  const known = cache.get(fn);
  if (known !== undefined) return known;
  const style = fn.length >= 2 || declaresCallback(fn);
  cache.set(fn, style);
  return style;
}

/** For a function whose `length` is under 2: whether its parameter list still declares a second one. */
function declaresCallback(fn: AnyFunction): boolean {
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    // Not a function we can read (a revoked proxy): `length` said under 2.
    return false;
  }
  const plain = countPlainParams(source);
  if (plain !== null) return plain >= 2;
  const params = readParams(source);
  // Native and bound functions have no source to parse: `length` said under 2.
  return params !== null && (params.length >= 2 || params.some((p) => p.type === 'RestElement'));
}

const NAME = String.raw`[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*`;
/** `a => …` or `async a => …`: one parameter and no list. */
const BARE_PARAM = new RegExp(String.raw`^(?:async\s+)?${NAME}\s*=>`, 'u');
/** What may stand before a parameter list: `function name`, `async function* name`, `async`, a method's name. */
const LIST_PREFIX = new RegExp(String.raw`^(?:async\s*)?(?:function\s*(?:\*\s*)?)?(?:${NAME})?\s*$`, 'u');
/** A list of plain names: no default, rest, pattern or comment (anything else goes to the parser). */
const PLAIN_LIST = /^[\s\p{ID_Continue}$,\u200c\u200d]*$/u;

/** The number of parameters when the source's list is plain names, else null. */
function countPlainParams(source: string): number | null {
  if (BARE_PARAM.test(source)) return 1;
  const open = source.indexOf('(');
  if (open === -1 || !LIST_PREFIX.test(source.slice(0, open))) return null;
  const close = source.indexOf(')', open + 1);
  if (close === -1) return null;
  const list = source.slice(open + 1, close);
  if (!PLAIN_LIST.test(list)) return null;
  return list.split(',').filter((name) => name.trim() !== '').length;
}

/** The parameter nodes of a function's source, or null when it cannot be parsed. */
function readParams(source: string): Node[] | null {
  for (const [prefix, suffix] of WRAPPERS) {
    const node = tryParse(prefix + source + suffix);
    if (node !== null) return node.params;
  }
  return null;
}

/** The first function node of the wrapped source, or null when it does not parse. */
function tryParse(code: string): FunctionNode | null {
  let program;
  try {
    program = parseJavaScript(code, { ecmaVersion: 'latest', sourceType: 'script', allowAwaitOutsideFunction: false });
  } catch {
    return null;
  }
  const statement = program.body[0];
  if (program.body.length !== 1 || statement === undefined || statement.type !== 'ExpressionStatement') return null;
  const expression = statement.expression;
  switch (expression.type) {
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      return expression;
    case 'ObjectExpression': {
      const property = expression.properties[0];
      return property !== undefined && property.type === 'Property' && property.value.type === 'FunctionExpression'
        ? (property.value)
        : null;
    }
    case 'ClassExpression': {
      const member = expression.body.body[0];
      return member !== undefined && member.type === 'MethodDefinition' ? (member.value) : null;
    }
    default:
      return null;
  }
}
