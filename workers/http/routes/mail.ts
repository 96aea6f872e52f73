/**
 * A case's mail: answer by mail, download an attachment or a raw message;
 * and, for org admins, the mail that opened no case (auto-replies, bounces,
 * lists). Downloads are for whoever may see the case, judged exactly like
 * reading it: a case out of sight is a 404.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { DomainError, notFound } from "../../../core/errors";
import { CaseReply } from "../../../core/model";
import { decodeCursor, Limit } from "../../db/pagination";
import { caseAttachment, caseMessage, getCaseWithTasks, listRecordedMail } from "../../db/queries";
import type { AppEnv } from "../../env";
import { requireOrgAdmin } from "../auth";
import { stubOf, unwrap } from "../org-client";
import { seen } from "../visibility";
import { ERRORS, OrgParam, SECURITY, json, jsonBody, router } from "../openapi";

const CaseParams = OrgParam.extend({
  case_id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "case_id", in: "path" } }),
});

const SentReply = z.object({
  email_id: z.string(),
  case_id: z.string().nullable(),
  status: z.string(),
  message_id: z.string(),
  from: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string(),
  in_reply_to: z.array(z.string()),
  references: z.array(z.string()),
  at: z.string(),
});

const RecordedMail = z.object({
  email_id: z.string(),
  message_id: z.string(),
  from_address: z.string(),
  subject: z.string(),
  text: z.string(),
  received_at: z.string(),
  loop_reason: z.string().nullable(),
});

const binary = (description: string, type: string) => ({ description, content: { [type]: { schema: z.string().openapi({ format: "binary" }) } } });

const reply = createRoute({
  tags: ["Mail"],
  security: SECURITY,
  method: "post",
  path: "/v1/orgs/{org}/cases/{case_id}/replies",
  summary: "Answer a case by mail (to its last correspondent unless `to` is given)",
  request: { params: CaseParams, body: jsonBody(CaseReply) },
  responses: { 201: json(SentReply, "The reply, queued for sending and on the timeline"), ...ERRORS },
});

const attachment = createRoute({
  tags: ["Mail"],
  security: SECURITY,
  method: "get",
  path: "/v1/orgs/{org}/cases/{case_id}/attachments/{attachment_id}",
  summary: "Download an attachment of a case's mail",
  request: {
    params: CaseParams.extend({
      attachment_id: z
        .string()
        .min(1)
        .max(100)
        .openapi({ param: { name: "attachment_id", in: "path" } }),
    }),
  },
  responses: { 200: binary("The attachment's bytes", "application/octet-stream"), ...ERRORS },
});

const raw = createRoute({
  tags: ["Mail"],
  security: SECURITY,
  method: "get",
  path: "/v1/orgs/{org}/cases/{case_id}/messages/{message_id}/raw",
  summary: "Download a received message as it arrived (message/rfc822)",
  request: {
    params: CaseParams.extend({
      message_id: z
        .string()
        .min(1)
        .max(1000)
        .openapi({ param: { name: "message_id", in: "path" } }),
    }),
  },
  responses: { 200: binary("The raw message", "message/rfc822"), ...ERRORS },
});

const recorded = createRoute({
  tags: ["Mail"],
  security: SECURITY,
  method: "get",
  path: "/v1/orgs/{org}/mail/recorded",
  summary: "Mail that opened no case (auto-replies, bounces, lists), newest first (org admin)",
  middleware: [requireOrgAdmin] as const,
  request: { params: OrgParam, query: z.object({ limit: Limit, cursor: z.string().max(100).optional() }).strict() },
  responses: { 200: json(z.object({ items: z.array(RecordedMail), next_cursor: z.string().nullable() }), "A page of messages"), ...ERRORS },
});

/** The case, if the caller may see it; anything else is the same 404. */
async function visibleCase(c: Context<AppEnv>, caseId: string) {
  const found = await getCaseWithTasks(c.get("db"), c.get("org").org_id, caseId);
  return seen(c, found?.case ?? null, "case");
}

/** Stored bytes as a download that no browser runs or sniffs. */
function download(body: ReadableStream, type: string, filename: string | null): Response {
  const headers = new Headers({ "content-type": type, "x-content-type-options": "nosniff", "content-security-policy": "sandbox" });
  const name = (filename ?? "attachment").replace(/[\r\n"\\]/g, "_");
  headers.set("content-disposition", `attachment; filename="${name.replace(/[^\x20-\x7e]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(name)}`);
  return new Response(body, { status: 200, headers });
}

export const mailRoutes = router()
  .openapi(reply, async (c) => {
    const { case_id } = c.req.valid("param");
    const w = unwrap(c, await stubOf(c).replyToCase(c.get("actor"), case_id, c.req.valid("json")));
    const body = {
      email_id: w.email_id,
      case_id: w.case_id,
      status: w.status,
      message_id: w.message_id,
      from: w.from_address,
      to: w.to,
      subject: w.subject,
      text: w.text,
      in_reply_to: w.in_reply_to,
      references: w.references,
      at: w.received_at,
    };
    return c.json(body, 201);
  })
  .openapi(attachment, async (c) => {
    const { case_id, attachment_id } = c.req.valid("param");
    await visibleCase(c, case_id);
    const row = await caseAttachment(c.get("db"), c.get("org").org_id, case_id, attachment_id);
    if (!row) throw notFound("attachment");
    const object = await c.env.FILES.get(row.r2_key);
    if (!object) throw new DomainError("not_found", "the attachment's content is no longer stored");
    return download(object.body, row.content_type, row.filename) as never;
  })
  .openapi(raw, async (c) => {
    const { case_id, message_id } = c.req.valid("param");
    await visibleCase(c, case_id);
    const row = await caseMessage(c.get("db"), c.get("org").org_id, case_id, message_id);
    if (!row?.raw_key) throw notFound("message");
    const object = await c.env.FILES.get(row.raw_key);
    if (!object) throw new DomainError("not_found", "the raw message is no longer stored");
    return download(object.body, "message/rfc822", `${row.email_id}.eml`) as never;
  })
  .openapi(recorded, async (c) => {
    const { cursor, limit } = c.req.valid("query");
    const page = await listRecordedMail(c.get("db"), c.get("org").org_id, { limit, before: decodeCursor(cursor) });
    const items = page.items.map((m) => ({
      email_id: m.email_id,
      message_id: m.message_id,
      from_address: m.from_address,
      subject: m.subject,
      text: m.text,
      received_at: m.received_at,
      loop_reason: m.loop_reason,
    }));
    return c.json({ items, next_cursor: page.next_cursor }, 200);
  });
