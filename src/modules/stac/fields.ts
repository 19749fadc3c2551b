/**
 * The Fields extension: `include` keeps only the named (dotted) paths besides what identifies an
 * item (type, stac_version, id, collection, links); `exclude` removes paths. An include names a
 * path under `properties` as `properties.x` (or just `x`, as most clients send).
 */
const ALWAYS = ['type', 'stac_version', 'id', 'collection', 'links'];
const TOP = new Set(['type', 'stac_version', 'stac_extensions', 'id', 'collection', 'geometry', 'bbox', 'properties', 'links', 'assets']);

type Doc = Record<string, unknown>;

function pathOf(field: string): string[] {
  const parts = field.split('.');
  return TOP.has(parts[0]!) ? parts : ['properties', ...parts];
}

function copyPath(from: Doc, to: Doc, path: string[]) {
  const [head, ...rest] = path;
  if (head === undefined || !(head in from)) return;
  if (rest.length === 0) {
    to[head] = from[head];
    return;
  }
  const inner = from[head];
  if (typeof inner !== 'object' || inner === null) return;
  const target = (to[head] ??= {}) as Doc;
  copyPath(inner as Doc, target, rest);
}

function removePath(doc: Doc, path: string[]) {
  const [head, ...rest] = path;
  if (head === undefined || !(head in doc)) return;
  if (rest.length === 0) {
    delete doc[head];
    return;
  }
  const inner = doc[head];
  if (typeof inner === 'object' && inner !== null) removePath(inner as Doc, rest);
}

export function applyFields(item: Doc, fields: { include?: string[]; exclude?: string[] } | undefined): Doc {
  if (!fields || (!fields.include?.length && !fields.exclude?.length)) return item;
  let result: Doc = item;
  if (fields.include?.length) {
    result = {};
    for (const field of [...ALWAYS, ...fields.include]) copyPath(item, result, pathOf(field));
  } else {
    result = structuredClone(item);
  }
  const included = new Set(fields.include ?? []);
  for (const field of fields.exclude ?? []) {
    // A field both included and excluded stays (the extension's rule); identity fields always stay.
    if (!included.has(field) && !ALWAYS.includes(field)) removePath(result, pathOf(field));
  }
  return result;
}
