import { BadRequestError } from '../../platform/errors.js';
import { QUERYABLES, type CqlExpr } from '../catalog/stac.service.js';

/**
 * The STAC Query extension (`query`, as the page lists it): `{"<property>": {"<op>": value}}`
 * with eq, neq, lt, lte, gt, gte, startsWith, endsWith, contains, in. It becomes CQL2 over the
 * same queryables as `filter`, so both meet one whitelist. A name without a prefix also finds its
 * `cm:` queryable (`emission` → `cm:emission`).
 */
const OPERATORS: Record<string, (property: CqlExpr, value: CqlExpr) => CqlExpr> = {
  eq: (p, v) => ({ op: '=', args: [p, v] }),
  neq: (p, v) => ({ op: '<>', args: [p, v] }),
  lt: (p, v) => ({ op: '<', args: [p, v] }),
  lte: (p, v) => ({ op: '<=', args: [p, v] }),
  gt: (p, v) => ({ op: '>', args: [p, v] }),
  gte: (p, v) => ({ op: '>=', args: [p, v] }),
  startsWith: (p, v) => ({ op: 'like', args: [p, `${escapeLike(v)}%`] }),
  endsWith: (p, v) => ({ op: 'like', args: [p, `%${escapeLike(v)}`] }),
  contains: (p, v) => ({ op: 'like', args: [p, `%${escapeLike(v)}%`] }),
  in: (p, v) => {
    if (!Array.isArray(v) || v.length === 0) throw new BadRequestError('query: "in" takes a non-empty array.');
    return { op: 'in', args: [p, v] };
  },
};

function escapeLike(value: CqlExpr): string {
  if (typeof value !== 'string') throw new BadRequestError('query: startsWith, endsWith and contains take strings.');
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

export function queryableName(name: string): string {
  const short = name.startsWith('properties.') ? name.slice('properties.'.length) : name;
  if (Object.hasOwn(QUERYABLES, short)) return short;
  if (Object.hasOwn(QUERYABLES, `cm:${short}`)) return `cm:${short}`;
  throw new BadRequestError(`query: unknown property "${name}" (see /queryables).`);
}

export function queryToCql2(query: unknown): CqlExpr | undefined {
  let value = query;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new BadRequestError('query is not valid JSON.');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequestError('query takes an object {"<property>": {"<op>": value}}.');
  const conditions: CqlExpr[] = [];
  for (const [name, ops] of Object.entries(value)) {
    if (typeof ops !== 'object' || ops === null || Array.isArray(ops)) throw new BadRequestError(`query: "${name}" takes an object of operators.`);
    const property = { property: queryableName(name) };
    for (const [op, operand] of Object.entries(ops as Record<string, CqlExpr>)) {
      const make = OPERATORS[op];
      if (!make) throw new BadRequestError(`query: unknown operator "${op}"; use ${Object.keys(OPERATORS).join(', ')}.`);
      conditions.push(make(property, operand));
    }
  }
  if (conditions.length === 0) return undefined;
  return conditions.length === 1 ? conditions[0]! : { op: 'and', args: conditions };
}
