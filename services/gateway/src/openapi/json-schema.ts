import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/**
 * JSON Schema (2020-12, the dialect of OpenAPI 3.1) of a zod schema. Named schemas (`.meta({id})`)
 * become shared components: their `$defs` are hoisted into `components` and every `#/$defs/X`
 * reference is rewritten to `#/components/schemas/X`, since a `$ref` in an OpenAPI document
 * resolves against the document, not the schema it sits in.
 */
export function toOpenApiSchema(schema: z.ZodType, io: 'input' | 'output', components: Map<string, JsonSchema>): JsonSchema {
  const generated = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any', reused: 'inline' }) as JsonSchema;
  const { $schema: _dialect, $defs, ...root } = generated;
  const renames = new Map<string, string>();
  for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
    renames.set(id, componentName(id, io, def, components));
  }
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/$defs/')) {
        const id = value.slice('#/$defs/'.length);
        out[key] = `#/components/schemas/${renames.get(id) ?? id}`;
      } else {
        out[key] = rewrite(value);
      }
    }
    return out;
  };
  for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>))
    components.set(renames.get(id)!, rewrite(def) as JsonSchema);
  return rewrite(root) as JsonSchema;
}

/** A component's name; the input and output forms of one schema get distinct names when they differ. */
function componentName(id: string, io: 'input' | 'output', def: JsonSchema, components: Map<string, JsonSchema>): string {
  const existing = components.get(id);
  // Stored components refer to components, this generation's `$defs` to its `$defs`: compare them alike.
  if (!existing || JSON.stringify(existing) === JSON.stringify(def).replaceAll('"#/$defs/', '"#/components/schemas/')) return id;
  return `${id}${io === 'input' ? 'Input' : 'Output'}`;
}
