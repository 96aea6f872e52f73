/**
 * CAP 1.2 alerts built from cases, each validated against the OASIS schema
 * (test/standards/cap/CAP-v1.2.xsd) by libxml2 compiled to WebAssembly.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { validateXML } from "xmllint-wasm";
import { describe, expect, it } from "vitest";
import { buildCapAlert, capCategories, capDateTime, type CapContext, isCrisisLabel } from "../../core/interop/cap";
import type { Case, Task } from "../../core/model";
import { storedCase, storedTask } from "../support/plan-fixtures";

const XSD = readFileSync(path.join(import.meta.dirname, "../standards/cap/CAP-v1.2.xsd"), "utf8");

async function expectValidCap(xml: string, name: string): Promise<void> {
  const result = await validateXML({ xml: [{ fileName: `${name}.xml`, contents: xml }], schema: [{ fileName: "CAP-v1.2.xsd", contents: XSD }] });
  expect(
    result.errors.map((e) => e.rawMessage),
    xml,
  ).toEqual([]);
  expect(result.valid).toBe(true);
}

const CTX: CapContext = {
  org: { slug: "city-ops", name: "City Operations", privacy: "open" },
  emailDomain: "orgo.test",
  caseUrl: "https://orgo.test/v1/orgs/city-ops/cases/6f1c2b7e-0000-4000-8000-000000000001",
  linkedData: { sites: { "Town Hall": "Q1234567" }, categories: { "9": "Q2472587" } },
};

function crisis(fields: Partial<Case> = {}): Case {
  return storedCase({
    case_id: "6f1c2b7e-0000-4000-8000-000000000001",
    ref: "6F1C2B7E00",
    title: "Gas smell in the basement",
    description: "Reported by the caretaker at 07:20.",
    label: "1001.91.Operations.Safety",
    severity: "critical",
    location: { site: "Town Hall", area: "Basement" },
    ...fields,
  });
}

const task = (fields: Partial<Task> = {}) => storedTask({ case_id: "6f1c2b7e-0000-4000-8000-000000000001", owner_role: "Operations.Safety", ...fields });

/** The text of the first element of that name (the builder writes no nested elements of the same name). */
function textOf(xml: string, name: string): string | null {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? null;
}

describe("CAP 1.2 alert of a crisis case", () => {
  it("a new critical case is an Alert, Public under open privacy, and valid against the schema", async () => {
    const xml = buildCapAlert(crisis(), [task({ title: "Evacuate the basement" })], CTX);
    await expectValidCap(xml, "critical-open");
    expect(xml).toContain('<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">');
    expect(textOf(xml, "msgType")).toBe("Alert");
    expect(textOf(xml, "scope")).toBe("Public");
    expect(textOf(xml, "status")).toBe("Actual");
    expect(textOf(xml, "sender")).toBe("city-ops@orgo.test");
    expect(textOf(xml, "identifier")).toBe("orgo-city-ops-6F1C2B7E00-v1");
    expect(textOf(xml, "sent")).toBe("2026-03-02T07:30:00+00:00");
    expect(textOf(xml, "urgency")).toBe("Immediate");
    expect(textOf(xml, "severity")).toBe("Extreme");
    expect(textOf(xml, "certainty")).toBe("Observed");
    expect(textOf(xml, "category")).toBe("Safety");
    expect(textOf(xml, "instruction")).toBe("Evacuate the basement");
    expect(textOf(xml, "areaDesc")).toBe("Town Hall / Basement");
    expect(xml).toMatch(/<geocode>\s*<valueName>wikidata<\/valueName>\s*<value>Q1234567<\/value>\s*<\/geocode>/);
    expect(xml).not.toContain("<references>");
    expect(xml).not.toContain("<responseType>");
  });

  it("a later version of a high case is an Update referencing the first alert", async () => {
    const xml = buildCapAlert(crisis({ severity: "high", status: "in_progress", version: 4, updated_at: "2026-03-02T08:05:09.123Z" }), [], CTX);
    await expectValidCap(xml, "high-update");
    expect(textOf(xml, "msgType")).toBe("Update");
    expect(textOf(xml, "identifier")).toBe("orgo-city-ops-6F1C2B7E00-v4");
    expect(textOf(xml, "references")).toBe("city-ops@orgo.test,orgo-city-ops-6F1C2B7E00-v1,2026-03-02T07:30:00+00:00");
    expect(textOf(xml, "sent")).toBe("2026-03-02T08:05:09+00:00");
    expect(textOf(xml, "urgency")).toBe("Expected");
    expect(textOf(xml, "severity")).toBe("Severe");
    expect(xml).not.toContain("<instruction>");
  });

  it("a resolved case sounds the all-clear; a closed one cancels the alert", async () => {
    const resolved = buildCapAlert(crisis({ status: "resolved", version: 3 }), [task({ status: "completed" })], CTX);
    await expectValidCap(resolved, "resolved");
    expect(textOf(resolved, "msgType")).toBe("Update");
    expect(textOf(resolved, "responseType")).toBe("AllClear");
    expect(textOf(resolved, "urgency")).toBe("Past");
    expect(resolved).not.toContain("<instruction>");

    const closed = buildCapAlert(crisis({ status: "closed", version: 5, severity: "medium" }), [], CTX);
    await expectValidCap(closed, "closed");
    expect(textOf(closed, "msgType")).toBe("Cancel");
    expect(textOf(closed, "references")).toContain(",orgo-city-ops-6F1C2B7E00-v1,");
    expect(textOf(closed, "severity")).toBe("Moderate");
  });

  it("without a site or its Wikidata item the area is still described, with no geocode", async () => {
    const bare = buildCapAlert(crisis({ location: { site: null, area: null }, severity: "low" }), [], CTX);
    await expectValidCap(bare, "no-site");
    expect(textOf(bare, "areaDesc")).toBe("Unspecified");
    expect(bare).not.toContain("<geocode>");
    expect(textOf(bare, "severity")).toBe("Minor");
    expect(textOf(bare, "urgency")).toBe("Unknown");

    const unknownSite = buildCapAlert(crisis({ location: { site: "Depot", area: null } }), [], CTX);
    await expectValidCap(unknownSite, "unknown-site");
    expect(textOf(unknownSite, "areaDesc")).toBe("Depot");
    expect(unknownSite).not.toContain("<geocode>");
  });

  it("escapes markup and keeps non-ASCII text; characters XML cannot carry are dropped", async () => {
    const title = `Fuite <gaz> & "odeur" d'œuf — Zürich 東京 🚒\u0007`;
    const xml = buildCapAlert(crisis({ title, description: "a < b && c > d\u0000" }), [task({ title: "Ferme la vanne <B3> & appelle" })], CTX);
    await expectValidCap(xml, "special-characters");
    expect(textOf(xml, "event")).toBe("Fuite &lt;gaz&gt; &amp; &quot;odeur&quot; d&apos;œuf — Zürich 東京 🚒");
    expect(textOf(xml, "description")).toBe("a &lt; b &amp;&amp; c &gt; d");
    expect(textOf(xml, "instruction")).toBe("Ferme la vanne &lt;B3&gt; &amp; appelle");
    expect(["\u0000", "\u0007"].filter((c) => xml.includes(c))).toEqual([]);
  });

  it("a headline is at most 160 characters; the event keeps the whole title", async () => {
    const title = "Ü".repeat(300);
    const xml = buildCapAlert(crisis({ title }), [], CTX);
    await expectValidCap(xml, "long-title");
    expect(Array.from(textOf(xml, "headline") ?? "").length).toBe(160);
    expect(textOf(xml, "event")).toBe(title);
  });

  it("need_to_know privacy makes the alert Restricted, with the restriction naming who may see it", async () => {
    const xml = buildCapAlert(crisis(), [], { ...CTX, org: { ...CTX.org, privacy: "need_to_know" } });
    await expectValidCap(xml, "restricted");
    expect(textOf(xml, "scope")).toBe("Restricted");
    expect(textOf(xml, "restriction")).toContain("Operations.Safety");
  });

  it("identifiers and senders hold no spaces, commas, < or &", async () => {
    const xml = buildCapAlert(crisis({ ref: "A B,C<D&E" }), [], { ...CTX, org: { ...CTX.org, slug: "x y" }, emailDomain: "mail,example.org" });
    await expectValidCap(xml, "tokens");
    for (const name of ["identifier", "sender", "incidents"]) expect(textOf(xml, name)).not.toMatch(/[ ,<&]/);
  });

  it("the schema check is real: a Z time or an unknown category is refused", async () => {
    const good = buildCapAlert(crisis(), [], CTX);
    const zulu = good.replace(/<sent>[^<]+<\/sent>/, "<sent>2026-03-02T07:30:00Z</sent>");
    const badCategory = good.replace("<category>Safety</category>", "<category>Crisis</category>");
    for (const [name, xml] of [
      ["zulu", zulu],
      ["bad-category", badCategory],
    ] as const) {
      const result = await validateXML({ xml: [{ fileName: `${name}.xml`, contents: xml }], schema: [{ fileName: "CAP-v1.2.xsd", contents: XSD }] });
      expect(result.valid, name).toBe(false);
    }
  });
});

describe("CAP mapping details", () => {
  it("crisis cases are those of category 9", () => {
    expect(isCrisisLabel("1001.91.Operations.Safety")).toBe(true);
    expect(isCrisisLabel("11.95.Facilities")).toBe(true);
    expect(isCrisisLabel("1001.14.Operations")).toBe(false);
    expect(isCrisisLabel("not a label")).toBe(false);
  });

  it("categories: metadata.cap_category wins, then the roles' words, else Other", () => {
    expect(capCategories({ label: "1001.91.Operations.Safety", metadata: { cap_category: "Fire" } }, [])).toEqual(["Fire"]);
    expect(capCategories({ label: "1001.91.Operations.Safety", metadata: { cap_category: ["Met", "Nonsense"] } }, [])).toEqual(["Met"]);
    expect(capCategories({ label: "1001.91.Medical.Triage", metadata: {} }, [])).toEqual(["Health"]);
    expect(capCategories({ label: "1001.91.Operations", metadata: {} }, [{ owner_role: "Facilities.Maintenance" }])).toEqual(["Infra"]);
    expect(capCategories({ label: "1001.91.Operations", metadata: {} }, [])).toEqual(["Other"]);
  });

  it("times are written with +00:00, never Z, to the second", () => {
    expect(capDateTime("2026-11-25T14:00:00.999Z")).toBe("2026-11-25T14:00:00+00:00");
    expect(capDateTime("2026-11-25T16:00:00+02:00")).toBe("2026-11-25T14:00:00+00:00");
  });
});
