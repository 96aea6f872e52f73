/** Open formats of a case: OASIS CAP 1.2 for crisis cases (JSON-LD is served by the case route on Accept). */
import { createRoute, z } from "@hono/zod-openapi";
import { DomainError } from "../../../core/errors";
import { buildCapAlert, CAP_MEDIA_TYPE, isCrisisLabel } from "../../../core/interop/cap";
import { getCaseWithTasks } from "../../db/queries";
import { stubOf } from "../org-client";
import { ERRORS, OrgParam, SECURITY, router } from "../openapi";
import { seen, visibleTo } from "../visibility";

const CaseParams = OrgParam.extend({
  case_id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "case_id", in: "path" } }),
});

const cap = createRoute({
  tags: ["Interop"],
  security: SECURITY,
  method: "get",
  path: "/v1/orgs/{org}/cases/{case_id}/cap",
  summary: "A crisis case (label category 9) as an OASIS CAP 1.2 alert; other cases answer 404",
  request: { params: CaseParams },
  responses: {
    200: {
      description:
        "The alert for the case's current version: msgType Alert (version 1), Update (later, referencing the first) or Cancel (closed); scope Public under open privacy, Restricted otherwise",
      content: { [CAP_MEDIA_TYPE]: { schema: z.string().openapi({ format: "xml" }) } },
    },
    ...ERRORS,
  },
});

export const standardsRoutes = router().openapi(cap, async (c) => {
  const { case_id } = c.req.valid("param");
  const org = c.get("org");
  const found = await getCaseWithTasks(c.get("db"), org.org_id, case_id);
  const kase = seen(c, found?.case ?? null, "case");
  if (!isCrisisLabel(kase.label)) throw new DomainError("not_found", "this case is not a crisis case (label category 9): it has no CAP alert");
  const current = await stubOf(c).getProfile();
  const xml = buildCapAlert(kase, (found?.tasks ?? []).filter(visibleTo(c)), {
    org: { slug: org.slug, name: org.name, privacy: org.privacy },
    emailDomain: c.env.ORGO_EMAIL_DOMAIN || "orgo.test",
    caseUrl: `${new URL(c.req.url).origin}/v1/orgs/${org.slug}/cases/${kase.case_id}`,
    linkedData: current?.profile.linked_data,
  });
  c.header("etag", `"${kase.version}"`);
  return c.body(xml, 200, { "content-type": `${CAP_MEDIA_TYPE}; charset=utf-8` });
});
