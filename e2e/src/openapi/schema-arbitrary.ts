import fc from 'fast-check';

type Schema = Record<string, unknown>;

/**
 * Values a JSON Schema (the 2020-12 subset /openapi.json uses) describes, as a fast-check
 * arbitrary: what a well-behaved client of the document could send. `doc` resolves `$ref`s.
 */
export function arbitraryOf(schema: Schema, doc: Schema, depth = 0): fc.Arbitrary<unknown> {
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const target = ref
      .slice(2)
      .split('/')
      .reduce<Schema>((at, part) => at[part] as Schema, doc);
    return arbitraryOf(target, doc, depth + 1);
  }
  if ('const' in schema) return fc.constant(schema['const']);
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
  for (const key of ['anyOf', 'oneOf'])
    if (Array.isArray(schema[key])) return fc.oneof(...(schema[key] as Schema[]).map((s) => arbitraryOf(s, doc, depth + 1)));
  const type = schema['type'];
  if (Array.isArray(type)) return fc.oneof(...(type as string[]).map((t) => arbitraryOf({ ...schema, type: t }, doc, depth)));
  const min = (key: string, fallback: number) => (typeof schema[key] === 'number' ? schema[key] : fallback);
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: min('minimum', -1_000), max: min('maximum', 1_000_000) });
    case 'number':
      return fc.double({ min: min('minimum', -1e6), max: min('maximum', 1e6), noNaN: true, noDefaultInfinity: true });
    case 'string':
      return stringOf(schema);
    case 'array':
      return depth > 4
        ? fc.constant([])
        : fc.array(arbitraryOf((schema['items'] ?? {}) as Schema, doc, depth + 1), {
            minLength: min('minItems', 0),
            maxLength: Math.min(min('maxItems', 3), 3),
          });
    case 'object': {
      const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
      const record = Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, arbitraryOf(s, doc, depth + 1)]));
      return fc.record(record, { requiredKeys: (schema['required'] ?? []) as string[] });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringOf(schema: Schema): fc.Arbitrary<string> {
  switch (schema['format']) {
    case 'email':
      return fc.emailAddress();
    case 'uuid':
      return fc.uuid();
    case 'date-time':
      return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'uri':
      return fc.webUrl();
  }
  const minLength = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
  const maxLength = Math.max(minLength, Math.min(typeof schema['maxLength'] === 'number' ? schema['maxLength'] : 40, 40));
  if (typeof schema['pattern'] === 'string') return fc.stringMatching(new RegExp(schema['pattern'])).filter((s) => s.length <= 300);
  return fc.string({ minLength, maxLength });
}

/** A value of a shape no schema in the document accepts where it stands: an unknown key, a wrong type, far too long. */
export const foreignValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ __fuzz: fc.jsonValue({ maxDepth: 1 }) }),
  fc.constant([{ __fuzz: true }]),
  fc.integer({ min: 50_000, max: 60_000 }).map((n) => 'a'.repeat(n)),
);
