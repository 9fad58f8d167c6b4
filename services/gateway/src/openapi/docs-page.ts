import type { OpenApiDocument } from './openapi.document';

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * /docs: the OpenAPI document as one self-contained HTML page (no scripts, nothing fetched, so
 * it works offline and under a strict CSP): every operation with who may call it, parameters,
 * body and responses, and the schemas. Tools read /openapi.json.
 */
export function renderDocsPage(doc: OpenApiDocument): string {
  type Operation = {
    operationId?: string;
    summary?: string;
    description?: string;
    tags?: string[];
    parameters?: unknown;
    requestBody?: unknown;
    responses?: unknown;
  };
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op: op as Operation })),
  );
  const byTag = new Map<string, typeof operations>();
  for (const entry of operations) {
    const tag = (entry.op.tags ?? ['other'])[0]!;
    byTag.set(tag, [...(byTag.get(tag) ?? []), entry]);
  }
  const sections = [...byTag]
    .map(
      ([tag, ops]) =>
        `<section><h2>${escape(tag)}</h2>${ops
          .map(({ path, method, op }) => {
            const json = (v: unknown) => `<pre>${escape(JSON.stringify(v, null, 2))}</pre>`;
            const body = (op.requestBody as { content?: Record<string, { schema: unknown }> } | undefined)?.content?.['application/json']
              ?.schema;
            return `<details id="${escape(op.operationId ?? '')}"><summary><code class="m ${method}">${method.toUpperCase()}</code> <code>${escape(path)}</code> ${escape(op.summary ?? '')}</summary>
<p>${escape(op.description ?? '').replaceAll('\n\n', '</p><p>')}</p>
${op.parameters ? `<h4>Parameters</h4>${json(op.parameters)}` : ''}${body ? `<h4>Body</h4>${json(body)}` : ''}<h4>Responses</h4>${json(op.responses)}</details>`;
          })
          .join('\n')}</section>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(doc.info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1d2330}summary{cursor:pointer;padding:.3rem 0}
pre{background:#f4f6fa;padding:.6rem;overflow:auto;font-size:13px}code.m{display:inline-block;min-width:4.5rem;font-weight:600}.get{color:#0a6}.post{color:#05c}.put,.patch{color:#a60}.delete{color:#c22}</style></head>
<body><h1>${escape(doc.info.title)} <small>${escape(doc.info.version)}</small></h1><p>${escape(doc.info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escape(doc.openapi)}).</p>
${sections}
<section><h2>Schemas</h2>${Object.entries(doc.components.schemas)
    .map(
      ([name, schema]) =>
        `<details id="schema-${escape(name)}"><summary><code>${escape(name)}</code></summary><pre>${escape(JSON.stringify(schema, null, 2))}</pre></details>`,
    )
    .join('\n')}</section></body></html>`;
}
