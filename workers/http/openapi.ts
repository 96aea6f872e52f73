/**
 * Shared pieces of the route declarations: the problem schema, the
 * validation hook that turns zod failures into 422 problems, and helpers that
 * keep each route's declaration short. The same zod schemas validate requests
 * and generate /v1/openapi.json.
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { DomainError, problemsFromZod } from "../../core/errors";
import type { AppEnv } from "../env";

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string(), line: z.number().optional(), column: z.number().optional() })).optional(),
  request_id: z.string().optional(),
});

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: Problem } } });

export const ERRORS = {
  400: problem("Malformed body or wrong content type"),
  401: problem("Missing or invalid credentials"),
  403: problem("Not allowed"),
  404: problem("Unknown resource, or one of another organization"),
  422: problem("The request breaks a rule"),
} as const;

export const CONFLICT = { 409: problem("Version conflict or duplicate") } as const;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

export const OrgParam = z.object({
  org: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "org", in: "path" }, example: "acme" }),
});

/** A person of the organization named in the path (persons and the care module's routes about them). */
export const PersonParams = OrgParam.extend({
  person_id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "person_id", in: "path" } }),
});

export const SECURITY = [{ bearer: [] as string[] }];

export function router(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new DomainError("validation", "the request does not match the schema", problemsFromZod(result.error));
      }
    },
  });
}
