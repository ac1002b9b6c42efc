import request from 'supertest';
import { SCOPES } from 'src/common/access/caller';
import { createApiKey, createUser } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

/**
 * Schema-driven fuzzing: every operation of the running app's OpenAPI document gets malformed
 * input from three kinds of caller, and must answer without a 5xx and without echoing the
 * distinctive marker the input carries in its values (unknown field names are listed by design,
 * so the marker is never a key). Operations added later are covered as they appear.
 */

const MARKER = 'fz7q-marker';
const SEED = 0x5eed17;

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
};
type Parameter = { name: string; in: string; schema?: Schema };
type Operation = {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
};
type OpenApi = {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

/** A small seeded generator (mulberry32), so every run sends the same requests. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuidFrom(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}

function resolve(doc: OpenApi, schema: Schema | undefined, depth = 0): Schema {
  if (!schema || depth > 8) {
    return {};
  }
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop() ?? '';
    return resolve(doc, doc.components?.schemas?.[name], depth + 1);
  }
  const merged = schema.allOf ?? schema.oneOf ?? schema.anyOf;
  if (merged) {
    return merged.reduce<Schema>((acc, part) => {
      const r = resolve(doc, part, depth + 1);
      return { ...acc, ...r, properties: { ...acc.properties, ...r.properties } };
    }, {});
  }
  return schema;
}

/** Every property filled (nested objects and arrays too), strings from `text`. */
function fill(doc: OpenApi, schema: Schema | undefined, text: () => string, depth = 0): unknown {
  const s = resolve(doc, schema);
  if (depth > 4) {
    return text();
  }
  if (s.properties) {
    return Object.fromEntries(
      Object.entries(s.properties).map(([k, v]) => [k, fill(doc, v, text, depth + 1)]),
    );
  }
  switch (s.type ?? 'string') {
    case 'array':
      return [fill(doc, s.items, text, depth + 1)];
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'object':
      return { k: text() };
    default:
      return text();
  }
}

/** Each property given a value of another type, each carrying the marker. */
function wrongTypes(doc: OpenApi, schema: Schema | undefined): Record<string, unknown> {
  const s = resolve(doc, schema);
  return Object.fromEntries(
    Object.entries(s.properties ?? {}).map(([k, v]) => {
      const type = resolve(doc, v).type ?? (resolve(doc, v).properties ? 'object' : 'string');
      return [k, type === 'string' ? { k: [MARKER] } : type === 'array' ? { MARKER } : MARKER];
    }),
  );
}

type BodyCase = { name: string; type: string; raw: string };

function bodyCases(doc: OpenApi, schema: Schema | undefined): BodyCase[] {
  const json = (name: string, value: unknown): BodyCase => ({
    name,
    type: 'application/json',
    raw: JSON.stringify(value),
  });
  const firstProp = Object.keys(resolve(doc, schema).properties ?? {})[0] ?? 'value';
  const deep = `{"${firstProp}":${'['.repeat(4000)}"${MARKER}"${']'.repeat(4000)}}`;
  return [
    json('missing fields', {}),
    json('extra field', { fz7qExtra: MARKER }),
    json('wrong types', wrongTypes(doc, schema)),
    json(
      'lone surrogates',
      fill(doc, schema, () => `${MARKER}\ud800`),
    ),
    json(
      'NUL bytes',
      fill(doc, schema, () => `${MARKER}\u0000`),
    ),
    json(
      'huge strings',
      fill(doc, schema, () => `${MARKER}${'x'.repeat(20_000)}\u0000`),
    ),
    json('an array', [MARKER]),
    json('null', null),
    { name: '4,000-deep nesting', type: 'application/json', raw: deep },
    { name: 'malformed JSON', type: 'application/json', raw: `{"${MARKER}": ` },
    { name: 'text/plain', type: 'text/plain', raw: JSON.stringify({ [firstProp]: MARKER }) },
    { name: 'XML', type: 'application/xml', raw: `<a>${MARKER}</a>` },
  ];
}

const BAD_PATH_VALUES: Array<[string, string]> = [
  ['non-UUID', `${MARKER}-not-a-uuid`],
  ['overlong', `${MARKER}${'a'.repeat(3000)}`],
  ['NUL', `${MARKER}%00`],
  ['invalid UTF-8', `${MARKER}%ED%A0%80`],
];

function badQueries(params: Parameter[]): Array<[string, string]> {
  const names = params.filter((p) => p.in === 'query').map((p) => p.name);
  if (names.length === 0) {
    return [];
  }
  const all = (value: string) => names.map((n) => `${n}=${value}`).join('&');
  return [
    ['NUL', all(`${MARKER}%00`)],
    ['huge', all(`${MARKER}${'9'.repeat(5000)}`)],
    ['impossible date', all(`2026-02-30`) + `&fz7q=${MARKER}`],
    ['repeated', names.map((n) => `${n}=${MARKER}&${n}=${MARKER}`).join('&')],
    ['nested', names.map((n) => `${n}[k]=${MARKER}`).join('&')],
    // A URL cannot carry a lone surrogate: its UTF-8 encoding (CESU) is invalid UTF-8.
    ['invalid UTF-8', all(`${MARKER}%ED%A0%BD`)],
  ];
}

/** Calls that would end the caller's own session and cut the rest of the run short. */
const SELF_ENDING = /^post \/v1\/auth\/(logout|sessions\/revoke-others)$/;

type Finding = { call: string; status: number; reason: string };

describe('OpenAPI fuzzing', () => {
  let t: TestApp;
  let doc: OpenApi;
  let callers: Array<[string, string | undefined]>;

  beforeAll(async () => {
    t = await createTestApp();
    const root = await adminToken(t.http);
    const admin = await createUser(t.http, root, ['admin']);
    const { key } = await createApiKey(t.http, root, [...SCOPES]);
    callers = [
      ['no credentials', undefined],
      ['admin', admin.token],
      ['API key with all scopes', key],
    ];
    doc = (await request(t.http).get('/docs-json').expect(200)).body as OpenApi;
  });
  afterAll(() => t.close());

  it('reads an OpenAPI document with operations to fuzz', () => {
    expect(Object.keys(doc.paths).length).toBeGreaterThan(30);
  });

  it('answers every malformed call without a 5xx and without echoing the input', async () => {
    const random = seeded(SEED);
    const findings: Finding[] = [];
    const validatedBy = new Map<string | undefined, number>();
    let calls = 0;
    const send = async (
      method: string,
      path: string,
      auth: string | undefined,
      body?: BodyCase,
    ): Promise<void> => {
      let req = request(t.http)[method as 'get'](path);
      if (auth) {
        req = req.set('Authorization', `Bearer ${auth}`);
      }
      if (body) {
        req = req.set('Content-Type', body.type).send(body.raw);
      }
      const res = await req;
      calls++;
      const call = `${method.toUpperCase()} ${path.slice(0, 120)}${body ? ` [${body.name}]` : ''}`;
      if ((res.body as { type?: string }).type === '/problems/validation') {
        validatedBy.set(auth, (validatedBy.get(auth) ?? 0) + 1);
      }
      if (res.status >= 500) {
        findings.push({ call, status: res.status, reason: '5xx' });
      } else if (res.status >= 400 && res.text.includes(MARKER)) {
        findings.push({ call, status: res.status, reason: 'echoes the input' });
      }
    };

    for (const [template, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) {
          continue;
        }
        const params = op.parameters ?? [];
        const pathParams = params.filter((p) => p.in === 'path').map((p) => p.name);
        const withPath = (value: (name: string) => string) =>
          pathParams.reduce((p, name) => p.replace(`{${name}}`, value(name)), template);
        const wellFormedPath = withPath(() => uuidFrom(random));
        const schema = op.requestBody?.content?.['application/json']?.schema;
        for (const [who, auth] of callers) {
          if (auth && who === 'admin' && SELF_ENDING.test(`${method} ${template}`)) {
            continue;
          }
          for (const [, value] of pathParams.length > 0 ? BAD_PATH_VALUES : []) {
            await send(
              method,
              withPath(() => value),
              auth,
            );
          }
          for (const [, query] of badQueries(params)) {
            await send(method, `${wellFormedPath}?${query}`, auth);
          }
          if (method !== 'get' && method !== 'delete') {
            // Without credentials only what runs before the guards is reached: parsing.
            const cases = bodyCases(doc, schema);
            for (const body of auth ? cases : cases.filter((c) => !c.name.includes(' '))) {
              await send(method, wellFormedPath, auth, body);
            }
          }
        }
      }
    }

    expect(calls).toBeGreaterThan(500);
    // The credentials worked: their calls got as far as validation, not only to the guards.
    for (const [, auth] of callers.filter(([, a]) => a)) {
      expect(validatedBy.get(auth)).toBeGreaterThan(100);
    }
    expect(findings).toEqual([]);
    // Thousands of sequential calls: on a loaded machine they outlast the suite's default timeout.
  }, 300_000);
});
