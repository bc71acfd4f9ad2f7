import { z } from 'zod';

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface RouteResponse {
  readonly description: string;
  /** JSON body schema; omit for empty bodies (204) or non-JSON ones (give `contentType`). */
  readonly schema?: z.ZodType;
  /** Defaults to `application/json` when a schema is given. */
  readonly contentType?: string;
}

/** One operation, described with the zod schemas the route itself parses with. */
export interface RouteDoc {
  readonly method: HttpMethod;
  /** Full path in hono syntax, e.g. `/api/projects/:id`. */
  readonly path: string;
  readonly summary: string;
  readonly tags?: readonly string[];
  /** Needs `Authorization: Bearer <token>`. Default true. */
  readonly auth?: boolean;
  readonly request?: {
    readonly body?: z.ZodType;
    readonly params?: z.ZodObject;
    readonly query?: z.ZodObject;
  };
  readonly responses: Readonly<Record<number, RouteResponse>>;
}

/** The JSON error body every failure has (see `http/error-handler.ts`). */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.array(z.string()), code: z.string(), message: z.string() })).optional(),
  }),
});

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'invalid request (validation issues listed in `error.issues`)',
  401: 'missing or invalid bearer token',
  403: 'not allowed',
  404: 'not found',
  409: 'conflict with existing data',
  413: 'body larger than 64 KiB',
  503: 'not ready',
};

/** Error responses with the common body, e.g. `...errorResponses(400, 404)`. */
export function errorResponses(...statuses: number[]): Record<number, RouteResponse> {
  return Object.fromEntries(statuses.map((s) => [s, { description: ERROR_DESCRIPTIONS[s] ?? 'error', schema: ErrorBodySchema }]));
}

/** `/api/projects/:id` → `/api/projects/{id}`. */
export const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function operation(route: RouteDoc): JsonSchema {
  const parameters = [
    ...Object.entries(route.request?.params?.shape ?? {}).map(([name, schema]) => ({
      name, in: 'path', required: true, schema: jsonSchema(schema as z.ZodType, 'input'),
    })),
    ...Object.entries(route.request?.query?.shape ?? {}).map(([name, schema]) => ({
      name, in: 'query', required: !(schema as z.ZodType).safeParse(undefined).success, schema: jsonSchema(schema as z.ZodType, 'input'),
    })),
  ];
  const responses = Object.fromEntries(
    Object.entries(route.responses).map(([status, r]) => {
      const content = r.schema
        ? { [r.contentType ?? 'application/json']: { schema: jsonSchema(r.schema, 'output') } }
        : r.contentType ? { [r.contentType]: {} } : undefined;
      return [status, content ? { description: r.description, content } : { description: r.description }];
    }),
  );
  return {
    summary: route.summary,
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c?: string) => (c ?? '').toUpperCase())}`,
    ...(route.tags ? { tags: [...route.tags] } : {}),
    ...(route.auth === false ? {} : { security: [{ bearerAuth: [] }] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.request?.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.request.body, 'input') } } } }
      : {}),
    responses,
  };
}

/** Collects route descriptions; route factories call `registerRoute` next to each handler. */
export class OpenApiRegistry {
  readonly #routes = new Map<string, RouteDoc>();

  /** Records one operation; registering the same method and path twice is a programming error. */
  registerRoute(route: RouteDoc): void {
    const key = `${route.method.toUpperCase()} ${route.path}`;
    if (this.#routes.has(key)) throw new Error(`route ${key} is registered twice`);
    this.#routes.set(key, route);
  }

  /** `METHOD /path` (hono syntax) of every registered operation. */
  keys(): string[] {
    return [...this.#routes.keys()];
  }

  /** The OpenAPI 3.1 document of everything registered so far. */
  document(info: { title: string; version: string; description?: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, JsonSchema>> = {};
    for (const route of this.#routes.values()) {
      (paths[toOpenApiPath(route.path)] ??= {})[route.method] = operation(route);
    }
    return {
      openapi: '3.1.0',
      info,
      paths,
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    };
  }
}
