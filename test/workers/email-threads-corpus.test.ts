/**
 * The public threading corpus (../shared/email-corpora/threads, read in place)
 * through the `email()` handler: its threads become one case each with their
 * messages in order, the distractors stay apart, the duplicate file adds
 * nothing, and the edge cases (ghost roots, a mistyped reference, a reference
 * loop) land as edge_cases.json says, whatever order the mail arrives in.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseMessage } from "../../core/email/mime/parse";
import { api, createOrg } from "./helpers";
import { deliverEmail } from "./mail-helpers";

const corpus = env.TEST_THREADS_CORPUS;
const present = Object.keys(corpus).length > 0;
const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const json = (name: string) => JSON.parse(new TextDecoder().decode(bytes(corpus[name] as string)));

interface Arrival {
  file: string;
  messageId: string | null;
  date: number;
  caseId: string | null;
  outcome: string;
}

/** Delivers the files into a fresh organization, oldest Date first (or in the order given), and says where each went. */
async function deliverAll(files: string[], order: "date" | "reverse-date") {
  const o = await createOrg();
  const parsed = await Promise.all(
    files.map(async (file) => {
      const m = await parseMessage(bytes(corpus[file] as string));
      return { file, messageId: m.messageId, date: m.date?.getTime() ?? 0 };
    }),
  );
  parsed.sort((a, b) => (order === "date" ? a.date - b.date : b.date - a.date) || a.file.localeCompare(b.file));
  const arrivals: Arrival[] = [];
  for (const p of parsed) {
    const r = await deliverEmail(bytes(corpus[p.file] as string), { from: "sender@example.org", to: `${o.slug}@orgo.test` });
    expect(r.rejected, p.file).toBeNull();
    arrivals.push({ ...p, caseId: r.case_id ?? null, outcome: r.outcome });
  }
  // Where each message is now: mail recorded first may have been taken in by a case since.
  const listed = await api("GET", `/v1/orgs/${o.slug}/cases?limit=200`, { token: o.token });
  const placed = new Map<string, string>();
  const timelines = new Map<string, string[]>();
  for (const c of listed.body.items) {
    const items = (await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}/timeline`, { token: o.token })).body.items;
    const ids = items.filter((i: any) => i.type === "email").map((i: any) => i.message_id as string);
    timelines.set(c.case_id, ids);
    for (const id of ids) placed.set(id, c.case_id);
  }
  for (const a of arrivals) a.caseId = a.messageId ? (placed.get(a.messageId) ?? null) : null;
  return { o, arrivals, cases: listed.body.items.length, timelines };
}

describe.skipIf(!present)("the threads corpus", () => {
  const spec = present ? json("threads.json") : { threads: [], distractors: [], messages: [] };
  const files: string[] = spec.messages.map((m: { file: string }) => m.file);

  for (const order of ["date", "reverse-date"] as const) {
    it(`makes one case per thread, keeps the distractors apart and takes the duplicate once (arrival: ${order})`, async () => {
      const { arrivals, cases, timelines } = await deliverAll(files, order);
      const caseOf = new Map(arrivals.map((a) => [a.file, a.caseId]));
      const threadCases = spec.threads.map((t: { files: string[] }) => new Set(t.files.map((f) => caseOf.get(f))));
      for (const cases of threadCases) {
        expect(cases.size).toBe(1);
        expect([...cases][0]).toBeTruthy();
      }
      const distinct = new Set([...threadCases.map((s: Set<string>) => [...s][0]), ...spec.distractors.map((f: string) => caseOf.get(f))]);
      expect(distinct.size).toBe(spec.threads.length + spec.distractors.length);
      expect(arrivals.filter((a) => a.outcome === "duplicate")).toHaveLength(1);
      expect(cases).toBe(spec.threads.length + spec.distractors.length);

      if (order === "date") {
        // Each case's timeline holds its thread's messages once each, in the order they arrived.
        for (const t of spec.threads) {
          const ids = timelines.get(caseOf.get(t.files[0]) as string);
          const expected = arrivals.filter((a) => t.files.includes(a.file) && a.outcome !== "duplicate").map((a) => a.messageId);
          expect(ids).toEqual(expected);
          expect(ids).toHaveLength(t.message_count);
        }
      }
    }, 60_000);
  }

  const edge = present ? json("edge_cases.json") : { cases: [] };
  for (const group of edge.cases as { case: string; files: { file: string }[]; threads: { members: string[] }[] }[]) {
    it(`edge case ${group.case}: each expected thread is one case, different threads are different cases`, async () => {
      for (const order of ["date", "reverse-date"] as const) {
        const { arrivals } = await deliverAll(
          group.files.map((f) => f.file),
          order,
        );
        const caseOfId = new Map(arrivals.map((a) => [a.messageId, a.caseId]));
        const threadCases = group.threads.map((t) => new Set(t.members.map((id) => caseOfId.get(id))));
        for (const cases of threadCases) {
          expect(cases.size, `${group.case} (${order})`).toBe(1);
          expect([...cases][0]).toBeTruthy();
        }
        expect(new Set(threadCases.map((s) => [...s][0])).size).toBe(group.threads.length);
      }
    }, 60_000);
  }
});
