/** The JSON-LD form of a case: schema.org types, Wikidata ties, nothing sensitive. */
import { describe, expect, it } from "vitest";
import { buildCaseJsonLd, type JsonLdContext, wantsJsonLd } from "../../core/interop/json-ld";
import { storedCase, storedTask } from "../support/plan-fixtures";

const CTX: JsonLdContext = {
  org: { slug: "city-ops", name: "City Operations" },
  baseUrl: "https://orgo.test",
  linkedData: { categories: { "9": "Q2472587" }, sites: { "Town Hall": "Q1234567" }, roles: { "Operations.Safety": "Q1056396" } },
};

const kase = storedCase({
  case_id: "c-1",
  title: "Gas smell",
  description: "In the basement",
  label: "1001.91.Operations.Safety",
  location: { site: "Town Hall", area: "Basement" },
  person_id: "p-1",
  metadata: { reporter: { email: "ann@example.com", phone: "+41 79 000 00 00" }, diagnosis: "asthma" },
  tags: ["gas"],
});

describe("case as JSON-LD", () => {
  const tasks = [
    storedTask({ task_id: "t-1", title: "Evacuate", status: "in_progress", owner_role: "Operations.Safety", reacted_at: "2026-03-02T07:40:00.000Z" }),
    storedTask({ task_id: "t-2", title: "Call the gas company", status: "pending", owner_role: "Facilities" }),
    storedTask({ task_id: "t-3", title: "Inspect", status: "completed", owner_role: null }),
    storedTask({ task_id: "t-4", title: "Old plan", status: "cancelled", owner_role: null }),
  ];
  const doc = buildCaseJsonLd(kase, tasks, CTX) as Record<string, any>;

  it("is a schema.org CreativeWork with its id, dates and status", () => {
    expect(doc["@context"][0]).toBe("https://schema.org");
    expect(doc["@context"][1].orgo).toBe("https://orgo.dev/ns#");
    expect(doc["@type"]).toBe("CreativeWork");
    expect(doc["@id"]).toBe("https://orgo.test/v1/orgs/city-ops/cases/c-1");
    expect(doc.identifier).toBe("c-1");
    expect(doc.name).toBe("Gas smell");
    expect(doc.description).toBe("In the basement");
    expect(doc.dateCreated).toBe(kase.created_at);
    expect(doc.dateModified).toBe(kase.updated_at);
    expect(doc.creativeWorkStatus).toBe("open");
    expect(doc.label).toBe("1001.91.Operations.Safety");
    expect(doc.severity).toBe("high");
  });

  it("ties the category, the site and the roles to Wikidata", () => {
    expect(doc.category).toBe("9");
    expect(doc.additionalType).toBe("https://www.wikidata.org/wiki/Q2472587");
    expect(doc.contentLocation).toMatchObject({ "@type": "Place", name: "Town Hall / Basement" });
    expect(doc.contentLocation.containedInPlace).toEqual({
      "@type": "Place",
      name: "Town Hall",
      sameAs: "https://www.wikidata.org/wiki/Q1234567",
      wikidata: "Q1234567",
    });
    expect(doc.maintainer).toEqual({
      "@type": "Organization",
      name: "Operations.Safety",
      sameAs: "https://www.wikidata.org/wiki/Q1056396",
      wikidata: "Q1056396",
    });
  });

  it("shows tasks as Actions with their status and agent", () => {
    const actions = doc.potentialAction as Record<string, any>[];
    expect(actions.map((a) => [a["@type"], a.name, a.actionStatus])).toEqual([
      ["Action", "Evacuate", "ActiveActionStatus"],
      ["Action", "Call the gas company", "PotentialActionStatus"],
      ["Action", "Inspect", "CompletedActionStatus"],
      ["Action", "Old plan", "FailedActionStatus"],
    ]);
    expect(actions[0]?.agent).toEqual({
      "@type": "Organization",
      name: "Operations.Safety",
      sameAs: "https://www.wikidata.org/wiki/Q1056396",
      wikidata: "Q1056396",
    });
    expect(actions[0]?.startTime).toBe("2026-03-02T07:40:00.000Z");
    expect(actions[1]?.agent).toEqual({ "@type": "Organization", name: "Facilities" });
    expect(actions[2]?.agent).toBeUndefined();
    expect(actions[2]?.endTime).toBeDefined();
    expect(actions[0]?.object).toEqual({ "@id": doc["@id"] });
  });

  it("names the person by identifier only and carries no metadata", () => {
    expect(doc.about).toEqual({ "@type": "Person", "@id": "urn:orgo:person:p-1", identifier: "p-1" });
    const text = JSON.stringify(doc);
    for (const secret of ["ann@example.com", "+41 79", "asthma", "reporter", "diagnosis"]) expect(text).not.toContain(secret);
  });

  it("leaves out what it does not know: no Wikidata, no place, no person", () => {
    const bare = buildCaseJsonLd(storedCase({ location: { site: null, area: null }, label: "1001.14.Operations" }), [], { ...CTX, linkedData: {} }) as Record<
      string,
      unknown
    >;
    expect(bare.additionalType).toBeUndefined();
    expect(bare.contentLocation).toBeUndefined();
    expect(bare.about).toBeUndefined();
    expect(bare.potentialAction).toBeUndefined();
    expect(JSON.stringify(bare)).not.toContain("wikidata.org");
  });
});

describe("content negotiation", () => {
  it("asks for JSON-LD only when it is preferred to JSON", () => {
    expect(wantsJsonLd("application/ld+json")).toBe(true);
    expect(wantsJsonLd("application/ld+json, application/json;q=0.5")).toBe(true);
    expect(wantsJsonLd("application/json, application/ld+json;q=0.5")).toBe(false);
    expect(wantsJsonLd("application/ld+json;q=0")).toBe(false);
    expect(wantsJsonLd("*/*")).toBe(false);
    expect(wantsJsonLd(undefined)).toBe(false);
  });
});
