// A small JSON Schema checker for the subset the OpenAPI document uses (type, required, properties,
// additionalProperties: false, items, enum, minLength, maxLength, minItems, pattern, oneOf, $ref to
// #/components/schemas). The server checks request bodies with it and the tests check answers with it:
// one reading of the document for both. Answers the first problem as `path: what`, or undefined.
type Schema = Record<string, unknown>;

export function checkSchema(value: unknown, schema: Schema, root: Schema = schema, path = 'body'): string | undefined {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = ((root.components as Schema | undefined)?.schemas as Record<string, Schema> | undefined)?.[name];
    if (!target) return `${path}: unknown schema ${schema.$ref}`;
    return checkSchema(value, target, root, path);
  }
  if (Array.isArray(schema.oneOf)) {
    const ok = (schema.oneOf as Schema[]).filter((s) => checkSchema(value, s, root, path) === undefined).length;
    return ok === 1 ? undefined : `${path}: matches ${ok} of the allowed forms, not exactly one`;
  }
  const type = schema.type as string | undefined;
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : Number.isInteger(value) ? 'integer' : typeof value;
  if (type && !(type === actual || (type === 'number' && actual === 'integer'))) return `${path}: must be ${type === 'object' ? 'an object' : `a ${type}`}`;
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return `${path}: must be one of ${schema.enum.join(', ')}`;
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) return `${path}: must not be empty`;
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) return `${path}: longer than ${schema.maxLength}`;
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) return `${path}: must match ${schema.pattern}`;
    if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) return `${path}: must be a date-time`;
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) return `${path}: needs at least ${schema.minItems} item(s)`;
    if (schema.items) {
      for (const [i, v] of value.entries()) {
        const e = checkSchema(v, schema.items as Schema, root, `${path}[${i}]`);
        if (e) return e;
      }
    }
  }
  if (actual === 'object') {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (obj[r] === undefined) return `${path}.${r}: is required`;
    for (const [k, v] of Object.entries(obj)) {
      if (!(k in props)) {
        if (schema.additionalProperties === false) return `${path}.${k}: is not a known field`;
        continue;
      }
      const e = checkSchema(v, props[k]!, root, `${path}.${k}`);
      if (e) return e;
    }
  }
  return undefined;
}
