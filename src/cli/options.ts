import { InvalidArgumentError } from 'commander';
import { isScope, SCOPES, type Scope } from '../platform/auth/scopes.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `--org`: an organization's id, as `org list` prints it (not its name). */
export function parseOrganizationId(value: string): string {
  if (!UUID.test(value)) throw new InvalidArgumentError('--org must be an organization id; see `org list`.');
  return value.toLowerCase();
}

export function parseUuid(what: string) {
  return (value: string): string => {
    if (!UUID.test(value)) throw new InvalidArgumentError(`${what} must be an id (a UUID).`);
    return value.toLowerCase();
  };
}

export function parseScopes(value: string): Scope[] {
  const scopes = value === 'all' ? [...SCOPES] : value.split(',').map((scope) => scope.trim()).filter(Boolean);
  const unknown = scopes.filter((scope) => !isScope(scope));
  if (unknown.length || scopes.length === 0) {
    throw new InvalidArgumentError(`Unknown scope(s): ${unknown.join(', ') || '(none)'}. Known: all, ${SCOPES.join(', ')}`);
  }
  return scopes as Scope[];
}

/** A whole number within bounds, e.g. `--count`. */
export function parseInteger(name: string, min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < min || number > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    }
    return number;
  };
}
