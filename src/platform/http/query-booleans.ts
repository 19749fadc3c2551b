/**
 * Query strings and paths say "true" in many ways: Python `requests` sends `True`/`False` (the plume
 * page itself writes `not_cloudy=True`), other clients `1`/`0`, `yes`/`no`, `on`/`off`. These are the
 * spellings FastAPI/Pydantic accept, read case-insensitively; anything else stays as sent and fails
 * the schema's boolean type as before.
 */
const SPELLINGS: Record<string, boolean> = {
  true: true, t: true, yes: true, y: true, on: true, '1': true,
  false: false, f: false, no: false, n: false, off: false, '0': false,
};

type SchemaNode = { type?: unknown; items?: unknown; properties?: Record<string, unknown>; anyOf?: unknown[]; allOf?: unknown[]; oneOf?: unknown[] };

function typesOf(schema: SchemaNode): string[] {
  if (Array.isArray(schema.type)) return schema.type.map(String);
  if (typeof schema.type === 'string') return [schema.type];
  const branches = schema.anyOf ?? schema.oneOf;
  return branches ? branches.flatMap((branch) => typesOf(branch as SchemaNode)) : [];
}

/** A boolean (or nullable boolean) value: only then is "yes" surely meant as true. */
function isBooleanOnly(schema: SchemaNode): boolean {
  const types = typesOf(schema).filter((type) => type !== 'null');
  return types.length > 0 && types.every((type) => type === 'boolean');
}

type BooleanField = { name: string; array: boolean };

/** The top-level properties of a querystring/params schema that hold booleans or arrays of booleans. */
export function booleanFieldsOf(schema: unknown): BooleanField[] {
  const node = (schema ?? {}) as SchemaNode;
  const own = Object.entries(node.properties ?? {}).flatMap(([name, property]): BooleanField[] => {
    const field = property as SchemaNode;
    if (isBooleanOnly(field)) return [{ name, array: false }];
    if (typesOf(field).includes('array') && field.items && isBooleanOnly(field.items as SchemaNode)) return [{ name, array: true }];
    return [];
  });
  const parts = [...(node.allOf ?? []), ...(node.anyOf ?? []), ...(node.oneOf ?? [])];
  return [...own, ...parts.flatMap(booleanFieldsOf)];
}

function spelled(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const meaning = SPELLINGS[value.trim().toLowerCase()];
  return meaning ?? value;
}

/** Returns a normaliser that rewrites those fields' accepted spellings to real booleans, in place. */
export function booleanNormaliser(schema: unknown): ((data: unknown) => void) | undefined {
  const fields = booleanFieldsOf(schema);
  if (fields.length === 0) return undefined;
  return (data) => {
    if (!data || typeof data !== 'object') return;
    const values = data as Record<string, unknown>;
    for (const { name, array } of fields) {
      if (!Object.prototype.hasOwnProperty.call(values, name)) continue;
      const value = values[name];
      values[name] = array && Array.isArray(value) ? value.map(spelled) : spelled(value);
    }
  };
}
