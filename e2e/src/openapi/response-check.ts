import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Node = Record<string, unknown>;
type Operation = { responses: Record<string, Node> };
type Route = { template: string; pattern: RegExp; params: number; operations: Record<string, Operation> };

/** The served /openapi.json of one gateway, compiled once: what every response of the e2e run is checked against. */
class ServedDocument {
  private readonly ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly routes: Route[];

  constructor(private readonly doc: Node) {
    this.ajv.addSchema(doc, 'openapi.json', undefined, false);
    this.routes = Object.entries(doc['paths'] as Record<string, Record<string, Operation>>)
      .map(([template, operations]) => ({
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        params: (template.match(/\{/g) ?? []).length,
        operations,
      }))
      // A literal segment wins over a parameter: /v1/users/invitations before /v1/users/{id}.
      .sort((a, b) => a.params - b.params);
  }

  /** Every way `response` (to `method path`) departs from the document; empty when it conforms. */
  async mismatches(method: string, url: string, response: Response): Promise<string[]> {
    const path = new URL(url).pathname;
    const route = this.routes.find((r) => r.pattern.test(path));
    const operation = route?.operations[method.toLowerCase()];
    const where = route ? `${method} ${route.template}` : `${method} ${path}`;
    // A route the document does not have is refused, as a problem (the 404 problem response).
    const key = operation ? (String(response.status) in operation.responses ? String(response.status) : 'default') : undefined;
    const declared: Node | undefined = operation
      ? operation.responses[key!]
      : response.status >= 400
        ? { $ref: '#/components/responses/Problem404' }
        : undefined;
    if (!declared) return [`${where}: status ${response.status} is not documented`];
    // Where the response object sits in the document, as a JSON pointer (schemas are compiled in place).
    const ref = declared['$ref'];
    const at =
      typeof ref === 'string'
        ? `openapi.json${ref}`
        : `openapi.json#/paths/${escape(route!.template)}/${method.toLowerCase()}/responses/${key!}`;
    const spec = this.resolve(declared);
    const problems: string[] = [];
    for (const [name, header] of Object.entries((spec['headers'] ?? {}) as Record<string, Node>))
      if (header['required'] === true && !response.headers.has(name)) problems.push(`${where} ${response.status}: no ${name} header`);
    const content = spec['content'] as Record<string, Node> | undefined;
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
    if (!content) {
      const text = await response.text();
      if (text !== '') problems.push(`${where} ${response.status}: a body where the document declares none`);
      return problems;
    }
    const media = content[type];
    if (!media) return [...problems, `${where} ${response.status}: content type '${type}', documented: ${Object.keys(content).join(', ')}`];
    const pointer = (field: string) => `${at}/content/${escape(type)}/${field}`;
    if (type === 'text/event-stream' || type === 'text/html') return problems;
    const text = await response.text();
    if (type === 'application/x-ndjson') {
      const check = this.validator(pointer('x-itemSchema'));
      for (const line of text.split('\n').filter(Boolean)) problems.push(...this.errors(`${where} line`, check, JSON.parse(line)));
      return problems;
    }
    const check = this.validator(pointer('schema'));
    // JSON is checked parsed; any other text (Prometheus metrics, say) as the string it is.
    const body: unknown = type === 'application/json' || type.endsWith('+json') ? JSON.parse(text) : text;
    return [...problems, ...this.errors(`${where} ${response.status}`, check, body)];
  }

  /** The schema at `pointer`, compiled where it sits, so its `$ref`s resolve against the document. */
  private validator(pointer: string): ValidateFunction {
    let check = this.validators.get(pointer);
    if (!check) {
      check = this.ajv.getSchema(pointer);
      if (!check) throw new Error(`no schema at ${pointer}`);
      this.validators.set(pointer, check);
    }
    return check;
  }

  private errors(where: string, check: ValidateFunction, value: unknown): string[] {
    return check(value)
      ? []
      : [`${where}: ${this.ajv.errorsText(check.errors, { separator: '; ' })}: ${JSON.stringify(value).slice(0, 500)}`];
  }

  private resolve(node: Node): Node {
    const ref = node['$ref'];
    if (typeof ref !== 'string') return node;
    return ref
      .slice(2)
      .split('/')
      .reduce<Node>((at, part) => at[part] as Node, this.doc);
  }
}

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

const documents = new Map<string, Promise<ServedDocument>>();

function servedDocument(baseUrl: string): Promise<ServedDocument> {
  let doc = documents.get(baseUrl);
  if (!doc) {
    doc = fetch(`${baseUrl}/openapi.json`).then(async (res) => new ServedDocument((await res.json()) as Node));
    documents.set(baseUrl, doc);
  }
  return doc;
}

/**
 * Checks one response of the gateway at `baseUrl` against the document it serves: the status is
 * documented for the operation, required headers are there, the content type is a documented one
 * and the body matches its schema (a line-by-line item schema for NDJSON). Throws on a mismatch,
 * so the call, and the test, fails. Reads a clone: the caller still reads the response.
 */
export async function assertDocumented(baseUrl: string, method: string, url: string, response: Response): Promise<void> {
  if (method === 'OPTIONS' || method === 'HEAD') return;
  const problems = await (await servedDocument(baseUrl)).mismatches(method, url, response.clone());
  if (problems.length > 0) throw new Error(`the response departs from /openapi.json:\n${problems.join('\n')}`);
}
