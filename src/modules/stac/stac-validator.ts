import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/**
 * Validates STAC documents against the STAC 1.0.0 JSON Schemas and the extension schemas they
 * declare, all vendored under ./schemas (no network): what stac-validator and pystac check.
 */
const SCHEMAS = [
  'geojson/Feature.json',
  'geojson/Geometry.json',
  'stac-1.0.0/item-spec/json-schema/basics.json',
  'stac-1.0.0/item-spec/json-schema/datetime.json',
  'stac-1.0.0/item-spec/json-schema/instrument.json',
  'stac-1.0.0/item-spec/json-schema/licensing.json',
  'stac-1.0.0/item-spec/json-schema/provider.json',
  'stac-1.0.0/item-spec/json-schema/item.json',
  'stac-1.0.0/catalog-spec/json-schema/catalog.json',
  'stac-1.0.0/collection-spec/json-schema/collection.json',
  'extensions/projection-v1.1.0.json',
  'extensions/raster-v1.1.0.json',
  'extensions/eo-v1.1.0.json',
];

export const CORE = {
  item: 'https://schemas.stacspec.org/v1.0.0/item-spec/json-schema/item.json',
  catalog: 'https://schemas.stacspec.org/v1.0.0/catalog-spec/json-schema/catalog.json',
  collection: 'https://schemas.stacspec.org/v1.0.0/collection-spec/json-schema/collection.json',
};

export function stacValidator() {
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  // iri / iri-reference: the URLs we emit are plain URIs, checked as such.
  ajv.addFormat('iri', { type: 'string', validate: (value: string) => /^[a-z][a-z0-9+.-]*:[^\s]*$/i.test(value) });
  ajv.addFormat('iri-reference', { type: 'string', validate: (value: string) => !/\s/.test(value) });
  // The projection extension refers to PROJJSON for proj:projjson, a field we never emit.
  ajv.addSchema({ $id: 'https://proj.org/schemas/v0.5/projjson.schema.json', type: 'object' });
  for (const file of SCHEMAS) ajv.addSchema(JSON.parse(readFileSync(new URL(`./schemas/${file}`, import.meta.url), 'utf8')));
  const compiled = new Map<string, ValidateFunction>();
  const validatorFor = (id: string) => {
    let validate = compiled.get(id);
    if (!validate) {
      validate = ajv.getSchema(id) ?? ajv.getSchema(`${id}#`);
      if (!validate) throw new Error(`no vendored schema ${id}`);
      compiled.set(id, validate);
    }
    return validate;
  };
  /** Problems of a document with its core schema and each declared extension (empty when valid). */
  return (document: Record<string, unknown>, core: keyof typeof CORE): string[] => {
    const problems: string[] = [];
    for (const id of [CORE[core], ...((document.stac_extensions as string[] | undefined) ?? [])]) {
      const validate = validatorFor(id);
      if (!validate(document)) problems.push(`${id}: ${ajv.errorsText(validate.errors)}`);
    }
    return problems;
  };
}
