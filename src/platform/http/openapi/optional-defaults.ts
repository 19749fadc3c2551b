interface Parameter {
  in?: string;
  required?: boolean;
  schema?: { default?: unknown };
}

/**
 * A query parameter with a default is filled in by the server when it is left out, yet the route
 * schema lists it as required (TypeBox's property with a default is not Optional): generated clients
 * would make every caller send `limit`, `offset`, `sort`… So the document marks them optional.
 */
export function markDefaultedParametersOptional<T extends object>(document: T): T {
  const paths = (document as { paths?: Record<string, Record<string, { parameters?: Parameter[] }>> }).paths ?? {};
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item)) {
      for (const parameter of operation?.parameters ?? []) {
        if (parameter.in === 'query' && parameter.required && parameter.schema?.default !== undefined) parameter.required = false;
      }
    }
  }
  return document;
}
