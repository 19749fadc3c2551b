import type { ErrorFamily } from '../../../src/platform/http/error-families.js';

const isString = (value: unknown): value is string => typeof value === 'string';
const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** `[{loc, msg, type}]` as the facilities and plume families list invalid fields. */
function isFieldList(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => isRecord(item) && Array.isArray(item.loc) && isString(item.msg) && isString(item.type));
}

const SHAPES: Record<ErrorFamily, { describe: string; matches: (body: Record<string, unknown>) => boolean }> = {
  facilities: { describe: '{code, detail}', matches: (body) => isString(body.code) && (isString(body.detail) || isFieldList(body.detail)) },
  emissions: { describe: '{code, message}', matches: (body) => isString(body.code) && isString(body.message) },
  platform: { describe: '{code, message}', matches: (body) => isString(body.code) && isString(body.message) },
  stac: { describe: '{code, description}', matches: (body) => isString(body.code) && isString(body.description) },
  plume: {
    describe: '{detail} or {errors}',
    matches: (body) => isString(body.detail) || isFieldList(body.detail) || (isRecord(body.errors) && Object.values(body.errors).every((list) => Array.isArray(list) && list.every(isString))),
  },
};

/**
 * Why a response breaks the promise (no 5xx; errors in the family's own body), or undefined.
 * Fastify's default error body (`{statusCode, error, message}`) is refused even where it would fit,
 * because it means a framework error bypassed the family's handler.
 */
export function problemWith(family: ErrorFamily, response: { statusCode: number; body: string; headers: Record<string, unknown> }): string | undefined {
  if (response.statusCode >= 500) return `answered ${response.statusCode}`;
  if (response.statusCode < 400) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return `answered ${response.statusCode} with a body that is not JSON`;
  }
  if (!isRecord(body)) return `answered ${response.statusCode} with a JSON ${Array.isArray(body) ? 'array' : typeof body}`;
  if ('statusCode' in body && 'error' in body) return `answered ${response.statusCode} in Fastify's error body, not the ${family} family's`;
  if (!SHAPES[family].matches(body)) return `answered ${response.statusCode} without the ${family} family's ${SHAPES[family].describe}`;
  return undefined;
}
