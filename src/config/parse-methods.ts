// The `method` key (SPEC R5): a string or an array of strings from GET, POST, PUT, PATCH, DELETE;
// case-insensitive in, upper-case out, deduplicated in config order; absent means GET.
import { HubSpotFunctionsError } from '../errors';
import { formatJsonPath } from './config-warnings';
import { describe, type ValueLocation } from './read-config-values';

/** The methods a function may serve, in the order `Allow` lists them (SPEC R13). */
export const SUPPORTED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const SUPPORTED = new Set<string>(SUPPORTED_METHODS);

/**
 * Validates a `method` value and returns its methods upper-cased.
 * @param at the file and JSON path, for the message
 */
export function parseMethods(value: unknown, at: ValueLocation): string[] {
  if (value === undefined) return ['GET'];
  const where = { file: at.file, jsonPath: formatJsonPath(...at.segments) };
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) {
    throw new HubSpotFunctionsError(
      'HSF_CONFIG_INVALID',
      `${where.file}: ${where.jsonPath} is ${describe(value)}, not a method name or an array of them. ` +
        'Write e.g. "GET" or ["GET", "POST"].',
    );
  }
  if (list.length === 0) {
    throw new HubSpotFunctionsError(
      'HSF_CONFIG_BAD_METHOD',
      `${where.file}: ${where.jsonPath} is an empty array, so the endpoint could never be called. ` +
        `List at least one of ${SUPPORTED_METHODS.join(', ')}, or remove the key for GET.`,
    );
  }
  const methods: string[] = [];
  list.forEach((item: unknown, index: number) => {
    const path = Array.isArray(value) ? `${where.jsonPath}[${index}]` : where.jsonPath;
    const upper = typeof item === 'string' ? item.trim().toUpperCase() : undefined;
    if (upper === undefined || !SUPPORTED.has(upper)) {
      throw new HubSpotFunctionsError(
        'HSF_CONFIG_BAD_METHOD',
        `${where.file}: ${path} is ${describe(item)}, which HubSpot does not support. ` +
          `Use one of ${SUPPORTED_METHODS.join(', ')} (HEAD and OPTIONS are answered automatically).`,
      );
    }
    if (!methods.includes(upper)) methods.push(upper);
  });
  return methods;
}
