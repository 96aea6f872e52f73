import { describe, expect, it } from "vitest";
import { seesPerson, type PersonLink } from "../../core/privacy/person-sight";
import type { Viewer } from "../../core/privacy/visibility";

const staff: Viewer = { admin: false, user_id: "u-staff", positions: [{ level: 1001, role: "Operations.Safety" }] };
const link = (over: Partial<PersonLink> = {}): PersonLink => ({ label: "1001.91.Operations.Safety", created_by: null, person_link_trusted: true, ...over });

describe("who sees a person's sensitive attributes", () => {
  it("admins always; members only through a trusted link on a case they may act on", () => {
    expect(seesPerson({ admin: true, user_id: null, positions: [] }, [])).toBe(true);
    expect(seesPerson(staff, [])).toBe(false);
    expect(seesPerson(staff, [link()])).toBe(true);
    expect(seesPerson(staff, [link({ person_link_trusted: false })])).toBe(false);
  });

  it("being the creator of a trusted-linked case of another team is not enough", () => {
    expect(seesPerson(staff, [link({ label: "1001.91.Operations.Maintenance", created_by: "u-staff" })])).toBe(false);
    // An escalated case stays within reach of the team it was routed to.
    expect(seesPerson(staff, [link({ label: "101.91.Operations.Safety", origin_label: "1001.91.Operations.Safety" })])).toBe(true);
  });
});
