/** Tasks: create on a case, list, read, and move through the state machine. */
import { createRoute, z } from "@hono/zod-openapi";
import { Task, TaskCreate, TaskStatus, TaskTransition } from "../../../core/model";
import { decodeCursor, Limit } from "../../db/pagination";
import { firstTasks, listTasks, oneTask } from "../../db/queries";
import { readAuthorized, readDatabase } from "../auth";
import { stubOf, unwrap } from "../org-client";
import { seen, visibleTo } from "../visibility";
import { CONFLICT, ERRORS, OrgParam, SECURITY, json, jsonBody, router } from "../openapi";

const id = (name: string) =>
  z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name, in: "path" } });
const CaseParams = OrgParam.extend({ case_id: id("case_id") });
const TaskParams = OrgParam.extend({ task_id: id("task_id") });

const TaskList = z.object({ items: z.array(Task), next_cursor: z.string().nullable() });
const TaskQuery = z
  .object({
    status: TaskStatus.optional(),
    label: z.string().max(200).optional(),
    case_id: z.string().max(100).optional(),
    limit: Limit,
    cursor: z.string().max(100).optional(),
  })
  .strict();

const tag = { tags: ["Tasks"], security: SECURITY };

const create = createRoute({
  ...tag,
  method: "post",
  path: "/v1/orgs/{org}/cases/{case_id}/tasks",
  summary: "Add a task to a case",
  request: { params: CaseParams, body: jsonBody(TaskCreate) },
  responses: { 201: json(Task, "The new task"), ...ERRORS },
});

const list = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/tasks",
  summary: "List tasks, newest first",
  request: { params: OrgParam, query: TaskQuery },
  responses: { 200: json(TaskList, "A page of tasks"), ...ERRORS },
});

const read = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/tasks/{task_id}",
  summary: "Read a task",
  request: { params: TaskParams },
  responses: { 200: json(Task, "The task"), ...ERRORS },
});

const transition = createRoute({
  ...tag,
  method: "post",
  path: "/v1/orgs/{org}/tasks/{task_id}/transition",
  summary: "Move a task: pending→in_progress→completed, or cancel it",
  request: { params: TaskParams, body: jsonBody(TaskTransition) },
  responses: { 200: json(Task, "The moved task"), ...ERRORS, ...CONFLICT },
});

export const taskRoutes = router()
  .openapi(create, async (c) => {
    const { case_id } = c.req.valid("param");
    const value = unwrap(c, await stubOf(c).createTask(c.get("principal"), case_id, c.req.valid("json")));
    c.header("etag", `"${value.version}"`);
    return c.json(value, 201);
  })
  .openapi(list, async (c) => {
    const { cursor, ...filters } = c.req.valid("query");
    const f = { ...filters, before: decodeCursor(cursor) };
    const first = await readAuthorized(c, firstTasks(f));
    return c.json(await listTasks(readDatabase(c), c.get("orgId"), f, visibleTo(c), first), 200);
  })
  .openapi(read, async (c) => {
    const found = seen(c, await readAuthorized(c, oneTask(c.req.valid("param").task_id)), "task");
    c.header("etag", `"${found.version}"`);
    return c.json(found, 200);
  })
  .openapi(transition, async (c) => {
    const { task_id } = c.req.valid("param");
    const value = unwrap(c, await stubOf(c).transitionTask(c.get("principal"), task_id, c.req.valid("json")));
    c.header("etag", `"${value.version}"`);
    return c.json(value, 200);
  });
