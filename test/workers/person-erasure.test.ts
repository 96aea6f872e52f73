/**
 * Erasing a person is proven by searching every store for them afterwards:
 * every D1 table, every table of the organization's object, every R2 object
 * (keys and bytes) and the Parquet files of a fresh rollup, read back. Before
 * the erasure the same search finds them everywhere they were put (so the
 * search can fail); after it, nowhere, while cases, tasks and insight
 * counts are what they were.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { parquetReadObjects } from "hyparquet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createOrg, expectProblem, orgStub } from "./helpers";
import { deliverEmail } from "./mail-helpers";

type Org = Awaited<ReturnType<typeof createOrg>>;

const NAME = "Zelda Quinnsworth";
const EMAIL = "zelda.quinnsworth@example.net";
const PHONE = "+44 7700 900461";
const NEEDLES = [NAME, EMAIL, PHONE, "7700900461"].map((s) => s.toLowerCase());

const PROFILE = `name: care_erasure
extends: base
roles: [Operations, Operations.Safety, Operations.Maintenance, Care, Care.Intake, Facilities]
sensitive_person_fields: [diagnosis]
modules:
  care:
    intake_role: Care.Intake
    screening:
      - title: Screen the referral
`;

const found = (text: string) => NEEDLES.filter((n) => text.toLowerCase().includes(n));
const stringify = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));

/** Every D1 table, whole. */
async function d1Text(): Promise<Record<string, string>> {
  const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").all<{
    name: string;
  }>();
  const out: Record<string, string> = {};
  for (const { name } of tables.results) out[name] = stringify((await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results);
  return out;
}

/** Every table of the organization's object, whole, and its key-value storage. */
async function objectText(orgId: string): Promise<Record<string, string>> {
  return runInDurableObject(orgStub(orgId), async (_instance, state) => {
    const sql = state.storage.sql;
    const out: Record<string, string> = {};
    const tables = sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
      .toArray();
    for (const { name } of tables) out[name] = stringify(sql.exec(`SELECT * FROM "${name}"`).toArray());
    out["(kv)"] = stringify([...(await state.storage.list()).entries()]);
    return out;
  });
}

/** Every R2 object: its key and its bytes as text. */
async function r2Text(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let cursor: string | undefined;
  do {
    const page = await env.FILES.list({ cursor, limit: 1000 });
    for (const o of page.objects) {
      const body = await env.FILES.get(o.key);
      out[o.key] = `${o.key}\n${new TextDecoder("latin1").decode(await body!.arrayBuffer())}`;
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return out;
}

/** The organization's Parquet files, decoded row by row. */
async function parquetText(orgId: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const page = await env.FILES.list({ prefix: `insights/org=${orgId}/`, limit: 1000 });
  for (const o of page.objects) {
    const bytes = await (await env.FILES.get(o.key))!.arrayBuffer();
    out[o.key] = stringify(await parquetReadObjects({ file: bytes }));
  }
  return out;
}

const hits = (texts: Record<string, string>) => Object.entries(texts).flatMap(([where, text]) => found(text).map((n) => `${where}: ${n}`));

function attachmentMail(slug: string): string {
  return [
    `From: ${NAME} <${EMAIL}>`,
    `To: ${slug}@orgo.test`,
    `Subject: Help needed for ${NAME}`,
    "Date: Tue, 01 Dec 2026 10:00:00 +0000",
    "Message-ID: <zq-first-1@example.net>",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/plain; charset=utf-8",
    "",
    `Hello, this is ${NAME}. Please call me on ${PHONE}.`,
    "--b1",
    'Content-Type: text/plain; name="details.txt"',
    "Content-Disposition: attachment; filename=details.txt",
    "",
    `Name: ${NAME}\r\nPhone: ${PHONE}\r\nEmail: ${EMAIL}`,
    "--b1--",
    "",
  ].join("\r\n");
}

describe("erasing a person", () => {
  let o: Org;
  let personId: string;
  let intakeCaseId: string;
  let mailCaseId: string;
  let unrelated: { case_id: string; version: number };

  beforeAll(async () => {
    o = await createOrg({ profile_yaml: PROFILE });
    const intake = await api("POST", `/v1/orgs/${o.slug}/intakes`, {
      token: o.token,
      body: {
        person: { display_name: NAME, kind: "client", attributes: { email: EMAIL, phone: PHONE, diagnosis: "asthma" } },
        title: `Referral: ${NAME}`,
        body: `Reach ${NAME} at ${EMAIL} or ${PHONE}.`,
        consents: [{ purpose: "contact", granted: true }],
      },
    });
    expect(intake.status, JSON.stringify(intake.body)).toBe(201);
    personId = intake.body.person_id;
    intakeCaseId = intake.body.case.case_id;
    expect(
      (await api("PUT", `/v1/orgs/${o.slug}/persons/${personId}/personnel`, { token: o.token, body: { employment_status: "active", position: "Volunteer" } }))
        .status,
    ).toBe(200);

    const signal = await api("POST", `/v1/orgs/${o.slug}/signals`, {
      token: o.token,
      body: {
        source: "api",
        title: `Call from ${NAME}`,
        body: `${NAME} called from ${PHONE} about her referral.`,
        person_id: personId,
        metadata: { caller: EMAIL },
      },
    });
    expect(signal.status, JSON.stringify(signal.body)).toBe(201);

    const delivered = await deliverEmail(attachmentMail(o.slug), { from: EMAIL, to: `${o.slug}@orgo.test` });
    expect(delivered.rejected).toBeNull();
    const cases = await api("GET", `/v1/orgs/${o.slug}/cases?limit=200`, { token: o.token });
    mailCaseId = cases.body.items.find((c: { title: string }) => c.title.includes("Help needed")).case_id;
    const reply = await api("POST", `/v1/orgs/${o.slug}/cases/${mailCaseId}/replies`, {
      token: o.token,
      body: { body: `Dear ${NAME}, we will call ${PHONE} today.` },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);

    const other = await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, body: { title: "Broken window in room 4", label: "1001.11.Facilities" } });
    unrelated = other.body;
  }, 120_000);

  afterAll(async () => {
    if (o) await runInDurableObject(orgStub(o.org.org_id), (_i, state) => state.storage.deleteAlarm());
  });

  const rollup = async () => {
    const r = await api("POST", `/v1/orgs/${o.slug}/insights/rollup`, { token: o.token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };
  const figures = async () => {
    const review = await api("GET", `/v1/orgs/${o.slug}/insights/review?cycle=monthly`, { token: o.token });
    expect(review.status, JSON.stringify(review.body)).toBe(200);
    const { critical, unresolved, ...rest } = review.body;
    const facts = await env.DB.prepare(
      "SELECT 'case' AS kind, status, count(*) AS n FROM fact_cases WHERE org_id = ?1 GROUP BY status UNION ALL SELECT 'task', status, count(*) FROM fact_tasks WHERE org_id = ?1 GROUP BY status ORDER BY 1, 2",
    )
      .bind(o.org.org_id)
      .all();
    return { rest, critical: critical.length, unresolved: unresolved.length, facts: facts.results };
  };

  it("leaves no trace of them in D1, the object, R2 or the Parquet files, and insight counts as they were", async () => {
    await rollup();
    const before = await figures();
    expect(before.rest.totals.opened).toBe(4);

    // The search finds them where they were put: it can fail.
    const d1Before = hits(await d1Text()).join("\n");
    for (const where of ["persons", "cases", "signals", "email_messages", "audit_events", "notifications"])
      expect(d1Before).toContain(`${where}: ${NAME.toLowerCase()}`);
    expect(hits(await objectText(o.org.org_id)).join("\n")).toContain(`cases: ${NAME.toLowerCase()}`);
    const r2Before = hits(await r2Text());
    expect(r2Before.some((h) => h.includes("/mail/raw/"))).toBe(true);
    expect(r2Before.some((h) => h.includes("/mail/attachments/"))).toBe(true);

    const erased = await api("DELETE", `/v1/orgs/${o.slug}/persons/${personId}`, { token: o.token });
    expect(erased.status, JSON.stringify(erased.body)).toBe(204);

    expect((await api("GET", `/v1/orgs/${o.slug}/persons/${personId}`, { token: o.token })).status).toBe(404);
    expectProblem(await api("DELETE", `/v1/orgs/${o.slug}/persons/${personId}`, { token: o.token }), 404);

    await rollup();
    expect(hits(await d1Text())).toEqual([]);
    expect(hits(await objectText(o.org.org_id))).toEqual([]);
    expect(hits(await r2Text())).toEqual([]);
    const parquet = await parquetText(o.org.org_id);
    expect(Object.keys(parquet).length).toBeGreaterThan(0);
    expect(hits(parquet)).toEqual([]);

    // Nothing counted went away.
    expect(await figures()).toEqual(before);

    // The cases stay, unlinked, their text scrubbed, their versions risen; the unrelated case is untouched.
    const c = await api("GET", `/v1/orgs/${o.slug}/cases/${intakeCaseId}`, { token: o.token });
    expect(c.body).toMatchObject({ person_id: null, title: "Referral: [erased]", description: "Reach [erased] at [erased] or [erased]." });
    expect(c.body.version).toBe(2);
    expect(c.body.tasks).toHaveLength(1);
    const timeline = await api("GET", `/v1/orgs/${o.slug}/cases/${mailCaseId}/timeline`, { token: o.token });
    const email = timeline.body.items.find((i: { type: string; direction?: string }) => i.type === "email" && i.direction === "inbound");
    expect(email).toMatchObject({ from: "[erased]", subject: "Help needed for [erased]" });
    const attachment = email.attachments[0];
    expect((await api("GET", `/v1/orgs/${o.slug}/cases/${mailCaseId}/attachments/${attachment.attachment_id}`, { token: o.token })).status).toBe(404);
    const u = await api("GET", `/v1/orgs/${o.slug}/cases/${unrelated.case_id}`, { token: o.token });
    expect(u.body.version).toBe(unrelated.version);

    // The audit log says it happened, without saying who they were.
    const audit = await api("GET", `/v1/orgs/${o.slug}/audit?entity_id=${personId}`, { token: o.token });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(["person.erased", "person.erasure_completed"]));
  });

  it("is for org admins, and another organization's admin cannot reach the person", async () => {
    const p = await api("POST", `/v1/orgs/${o.slug}/persons`, { token: o.token, body: { display_name: "Kept Person" } });
    const member = await api("POST", `/v1/orgs/${o.slug}/tokens`, { token: o.token, body: { name: "m", positions: [{ level: 1001, role: "Care" }] } });
    expectProblem(await api("DELETE", `/v1/orgs/${o.slug}/persons/${p.body.person_id}`, { token: member.body.token }), 403);
    const other = await createOrg({ profile: "retail_ops" });
    expectProblem(await api("DELETE", `/v1/orgs/${other.slug}/persons/${p.body.person_id}`, { token: other.token }), 404);
    expect((await api("GET", `/v1/orgs/${o.slug}/persons/${p.body.person_id}`, { token: o.token })).status).toBe(200);
    await runInDurableObject(orgStub(other.org.org_id), (_i, state) => state.storage.deleteAlarm());
  });
});
