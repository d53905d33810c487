/**
 * Holds every answer a test receives from a calendar under test to what that calendar's own
 * GET /openapi.json says the operation answers: the status must be declared, the media type must be
 * the declared one, and a JSON body must match the declared schema. Requests outside the document
 * (an unknown path, a method the path does not have, a CORS preflight) are the edge's, not an
 * operation's, and are not checked here.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

interface Operation {
  readonly responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
interface Document {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { schemas: Record<string, unknown> };
}

export interface DocumentedAnswer {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

let checked = 0;
/** How many answers, over every calendar this test file started, were held to the document. */
export const answersChecked = (): number => checked;

export class OpenApiChecker {
  private readonly ajv: InstanceType<typeof Ajv2020.default>;
  private readonly validators = new Map<unknown, ValidateFunction>();
  private readonly templates: Array<{ pattern: RegExp; path: string }>;

  constructor(private readonly document: Document) {
    // Not strict: the document's schemas carry OpenAPI's own annotations beside JSON Schema's.
    this.ajv = new Ajv2020.default({ strict: false, allErrors: false });
    (addFormats as unknown as { default: (ajv: unknown) => void }).default(this.ajv);
    this.ajv.addSchema({ $id: BASE, components: document.components });
    this.templates = Object.keys(document.paths).map((path) => ({
      path,
      pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^/]+')}$`),
    }));
  }

  /** Throws, naming the operation and what is wrong, when the answer is not one the document declares. */
  check(answer: DocumentedAnswer): void {
    const path = answer.path.split('?')[0]!;
    const template = this.templates.find((t) => t.pattern.test(path));
    const operation = template && this.document.paths[template.path]?.[answer.method.toLowerCase()];
    if (!operation) return;
    const where = `${answer.method} ${template.path} answered ${answer.status}`;
    const declared = operation.responses[String(answer.status)];
    if (!declared) throw new Error(`${where}, a status the document does not declare (${Object.keys(operation.responses).join(', ')}): ${answer.text.slice(0, 300)}`);
    const [media, entry] = Object.entries(declared.content ?? {})[0] ?? [];
    if (media === undefined || entry === undefined) {
      if (answer.text !== '') throw new Error(`${where} with a body, where the document declares none`);
      checked += 1;
      return;
    }
    if (!answer.contentType.startsWith(media)) throw new Error(`${where} as ${answer.contentType}, where the document declares ${media}`);
    if (media === 'application/json') {
      let body: unknown;
      try {
        body = JSON.parse(answer.text);
      } catch {
        throw new Error(`${where} with a body that is not JSON: ${answer.text.slice(0, 300)}`);
      }
      const validate = this.validator(entry.schema);
      if (!validate(body)) {
        throw new Error(`${where} with a body the document does not describe: ${this.ajv.errorsText(validate.errors)}\n${answer.text.slice(0, 500)}`);
      }
    } else if (typeof answer.text !== 'string') {
      throw new Error(`${where} without a text body`);
    }
    checked += 1;
  }

  private validator(schema: unknown): ValidateFunction {
    let validate = this.validators.get(schema);
    if (!validate) {
      // The operation's schema is a $ref into the components, resolved against the document.
      validate = this.ajv.compile({ $id: `${BASE}/op-${this.validators.size}`, ...resolveRefs(schema) });
      this.validators.set(schema, validate);
    }
    return validate;
  }
}

const BASE = 'https://calendar.test/openapi';

/** `#/components/...` as written in the document, made absolute so that ajv finds it from anywhere. */
function resolveRefs(schema: unknown): Record<string, unknown> {
  const ref = (schema as { $ref?: string }).$ref;
  return ref?.startsWith('#/') ? { $ref: `${BASE}${ref}` } : (schema as Record<string, unknown>);
}

/** Fetches the calendar's own document and makes its checker. */
export async function checkerFor(baseUrl: string): Promise<OpenApiChecker> {
  const response = await fetch(`${baseUrl}/openapi.json`);
  if (response.status !== 200) throw new Error(`GET /openapi.json answered ${response.status}`);
  return new OpenApiChecker((await response.json()) as Document);
}
