import { describe, expect, it } from "vitest";
import { asciiLower, ERASED, erasureTerms, mentions, scrubCase, scrubJson, scrubTask, scrubText, termPattern } from "../../core/modules/care/erasure";
import { intakeLabel, intakeRole, sensitiveValues } from "../../core/modules/care/intake-plan";
import { IntakeInput, PersonnelInput } from "../../core/modules/care/records";

const person = {
  display_name: "Zelda Quinnsworth",
  external_ref: "CL-20931",
  attributes: { email: "Zelda.Q@example.org", mobile: "+44 7700 900123", allergy: "peanuts", notes: { backup: "zq@alt.example" } },
};

describe("erasure terms", () => {
  it("takes the name, the reference and every contact value (by key or by shape), not other attributes", () => {
    const { terms, emails } = erasureTerms(person);
    expect(terms).toEqual(
      expect.arrayContaining(["Zelda Quinnsworth", "CL-20931", "Zelda.Q@example.org", "+44 7700 900123", "447700900123", "zq@alt.example"]),
    );
    expect(terms).not.toContain("peanuts");
    expect(emails.sort()).toEqual(["zelda.q@example.org", "zq@alt.example"]);
  });

  it("ignores strings too short to tell apart from words", () => {
    expect(erasureTerms({ display_name: "Al", external_ref: null, attributes: { phone: "12" } }).terms).toEqual([]);
  });
});

describe("scrubbing", () => {
  const pattern = termPattern(erasureTerms(person).terms);

  it("replaces every term, whatever its case, and leaves other text alone", () => {
    expect(scrubText("Call ZELDA QUINNSWORTH on +44 7700 900123 or zelda.q@EXAMPLE.org", pattern)).toBe(`Call ${ERASED} on ${ERASED} or ${ERASED}`);
    expect(scrubText("Nothing here", pattern)).toBe("Nothing here");
    expect(mentions("mail zq@alt.example", pattern)).toBe(true);
    expect(mentions("mail someone", pattern)).toBe(false);
  });

  it("scrubs JSON deeply, keys included, and returns the same object when nothing changed", () => {
    const value = { a: ["x", { "Zelda Quinnsworth": "447700900123" }], b: 3 };
    expect(scrubJson(value, pattern)).toEqual({ a: ["x", { [ERASED]: ERASED }], b: 3 });
    const clean = { a: ["x"], b: null };
    expect(scrubJson(clean, pattern)).toBe(clean);
  });

  it("unlinks a case that names the person and scrubs its text; an unrelated case is left as it is", () => {
    const c = { person_id: "p1", person_link_trusted: true, title: "Zelda Quinnsworth fell", description: null, metadata: { by: "zq@alt.example" } };
    expect(scrubCase(c, "p1", pattern)).toEqual({
      person_id: null,
      person_link_trusted: false,
      title: `${ERASED} fell`,
      description: null,
      metadata: { by: ERASED },
    });
    expect(scrubCase({ ...c, person_id: "p2", title: "Other", metadata: {} }, "p1", pattern)).toBeNull();
    expect(scrubTask({ title: "Call Zelda Quinnsworth", assignee_person_id: "p1" }, "p1", pattern)).toEqual({
      title: `Call ${ERASED}`,
      assignee_person_id: null,
    });
    expect(scrubTask({ title: "Mop", assignee_person_id: null }, "p1", pattern)).toBeNull();
  });

  it("folds case the way SQLite's lower() does for the prefilter", () => {
    expect(asciiLower("ÉZelda")).toBe("Ézelda");
  });
});

describe("intake", () => {
  it("labels the case a staff-level request of the intake role, defaulting to the profile's first role", () => {
    expect(intakeRole({ intake_role: "Care.Intake" }, ["Care"])).toBe("Care.Intake");
    expect(intakeRole({}, ["Care", "Other"])).toBe("Care");
    expect(intakeLabel("Care.Intake")).toBe("1001.11.Care.Intake");
  });

  it("knows the sensitive values an intake's words must not repeat", () => {
    const p = {
      person_id: "p",
      display_name: "X",
      kind: null,
      external_ref: null,
      attributes: { diagnosis: "flu-2231", ward: "2B", code: 12345 },
      created_at: "",
      updated_at: "",
      version: 1,
    };
    expect(sensitiveValues(p, ["diagnosis", "code", "missing"])).toEqual(["flu-2231", "12345"]);
  });

  it("takes either an inline person or a person id, and checks personnel dates", () => {
    expect(IntakeInput.safeParse({ title: "x" }).success).toBe(false);
    expect(IntakeInput.safeParse({ title: "x", person_id: "a", person: { display_name: "b" } }).success).toBe(false);
    expect(IntakeInput.safeParse({ title: "x", person_id: "a" }).success).toBe(true);
    expect(PersonnelInput.safeParse({ employment_status: "active", started_on: "2026-02-30" }).success).toBe(false);
    expect(PersonnelInput.safeParse({ employment_status: "ended", started_on: "2026-02-01", ended_on: "2025-01-01" }).success).toBe(false);
    expect(PersonnelInput.safeParse({ employment_status: "ended", started_on: "2025-02-01", ended_on: "2026-01-01" }).success).toBe(true);
  });
});
