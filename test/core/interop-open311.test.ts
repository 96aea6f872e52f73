/** Open311 GeoReport v2 requests: fields in, signal out, status and filters back. */
import { describe, expect, it } from "vitest";
import { gatherFields, open311Signal, parseOpen311Request, serviceDefinition } from "../../core/modules/open311/request";
import { open311Status, requestsFilter, serviceRequestOf } from "../../core/modules/open311/service-request";
import type { Open311Service } from "../../core/modules/open311/settings";
import { errorCode, storedCase } from "../support/plan-fixtures";

const SERVICES: Open311Service[] = [
  { service_code: "pothole", service_name: "Pothole", keywords: ["road", "hole"], group: "Streets", severity: "medium" },
  { service_code: "gas", service_name: "Gas smell", label: "1001.91.Operations.Safety", severity: "critical" },
];

const form = (text: string) => gatherFields(new URLSearchParams(text).entries());

describe("service requests in", () => {
  it("reads a form body with attributes and builds the signal, reporter data only under metadata.reporter", () => {
    const fields = form(
      "service_code=gas&lat=47.37&long=8.54&description=Strong+smell+near+the+school&email=ann%40example.com&first_name=Ann&phone=123&device_id=d-1&account_id=acc-9&attribute[WHERE]=street&attribute[SEEN][]=a&attribute[SEEN][]=b",
    );
    const { input, service } = parseOpen311Request(fields, SERVICES);
    expect(input.lat).toBe(47.37);
    expect(input.attribute).toEqual({ WHERE: "street", SEEN: ["a", "b"] });
    const signal = open311Signal(input, service, "k-1") as Record<string, any>;
    expect(signal).toMatchObject({
      source: "open311",
      idempotency_key: "k-1",
      title: "Gas smell: Strong smell near the school",
      body: "Strong smell near the school",
      label: "1001.91.Operations.Safety",
      severity: "critical",
      location: { site: "47.37,8.54", area: null },
    });
    expect(signal.metadata.open311).toMatchObject({ service_code: "gas", service_name: "Gas smell", lat: 47.37, long: 8.54, account_id: "acc-9" });
    expect(signal.metadata.reporter).toEqual({ email: "ann@example.com", first_name: "Ann", phone: "123", device_id: "d-1" });
    const outside = JSON.stringify({ title: signal.title, body: signal.body, location: signal.location, open311: signal.metadata.open311 });
    for (const personal of ["ann@example.com", "Ann", "123", "d-1"]) expect(outside).not.toContain(personal);
  });

  it("takes the address as the site, and leaves label and severity to the rules when the service names none", () => {
    const { input, service } = parseOpen311Request({ service_code: "pothole", address_string: "Main St 4" }, SERVICES);
    const signal = open311Signal(input, service, null) as Record<string, any>;
    expect(signal.location.site).toBe("Main St 4");
    expect(signal.title).toBe("Pothole");
    expect(signal.label).toBeUndefined();
    expect(signal.idempotency_key).toBeUndefined();
    expect(signal.metadata.reporter).toBeUndefined();
  });

  it("refuses an unknown service, a missing location, coordinates out of range and a long description", () => {
    expect(errorCode(() => parseOpen311Request({ service_code: "nope", address_string: "x" }, SERVICES))).toBe("validation");
    expect(errorCode(() => parseOpen311Request({ service_code: "pothole" }, SERVICES))).toBe("validation");
    expect(errorCode(() => parseOpen311Request(form("service_code=pothole&lat=91&long=8"), SERVICES))).toBe("validation");
    expect(errorCode(() => parseOpen311Request(form("service_code=pothole&lat=47"), SERVICES))).toBe("validation");
    expect(errorCode(() => parseOpen311Request(form("service_code=pothole&lat=abc&long=8"), SERVICES))).toBe("validation");
    expect(errorCode(() => parseOpen311Request({ service_code: "pothole", address_id: "a", description: "x".repeat(4_001) }, SERVICES))).toBe("validation");
    expect(errorCode(() => parseOpen311Request({ service_code: "pothole", address_id: "a", shoe_size: "42" }, SERVICES))).toBe("validation");
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`a${i}`, "v"]));
    expect(errorCode(() => parseOpen311Request({ service_code: "pothole", address_id: "a", attribute: many }, SERVICES))).toBe("validation");
  });

  it("lists services as the standard shows them", () => {
    expect(serviceDefinition(SERVICES[0]!)).toEqual({
      service_code: "pothole",
      service_name: "Pothole",
      description: null,
      metadata: false,
      type: "realtime",
      keywords: "road,hole",
      group: "Streets",
    });
  });
});

describe("service requests back", () => {
  it("maps case statuses to open and closed", () => {
    expect(["open", "in_progress", "resolved", "closed"].map((s) => open311Status(s as never))).toEqual(["open", "open", "closed", "closed"]);
  });

  it("shows the request from its signal and case, without the reporter", () => {
    const kase = storedCase({ status: "in_progress", label: "1001.91.Operations.Safety", origin_label: null, reactivity_deadline: "2026-03-02T08:30:00.000Z" });
    const r = serviceRequestOf(
      {
        signal_id: "s-1",
        body: "Strong smell",
        received_at: "2026-03-02T07:30:00.000Z",
        metadata: {
          open311: { service_code: "gas", service_name: "Gas smell", lat: 47.37, long: 8.54, address_string: null, media_url: "https://x.test/a.jpg" },
          reporter: { email: "ann@example.com" },
        },
      },
      kase,
      "City",
    );
    expect(r).toMatchObject({
      service_request_id: "s-1",
      status: "open",
      service_code: "gas",
      service_name: "Gas smell",
      description: "Strong smell",
      agency_responsible: "Operations.Safety",
      requested_datetime: "2026-03-02T07:30:00.000Z",
      expected_datetime: "2026-03-02T08:30:00.000Z",
      lat: 47.37,
      long: 8.54,
      media_url: "https://x.test/a.jpg",
    });
    expect(JSON.stringify(r)).not.toContain("ann@example.com");
  });

  it("filters: ids override, the default window is the last 90 days, and a wider one is refused", () => {
    const now = new Date("2026-06-01T00:00:00.000Z");
    expect(requestsFilter({ service_request_id: "a, b,a", status: "bogus" }, now)).toEqual({ kind: "ids", ids: ["a", "b"] });
    expect(requestsFilter({}, now)).toEqual({ kind: "window", from: "2026-03-03T00:00:00.000Z", to: now.toISOString(), service_codes: null, statuses: null });
    expect(requestsFilter({ status: "closed", service_code: "gas,pothole" }, now)).toMatchObject({ statuses: ["closed"], service_codes: ["gas", "pothole"] });
    expect(errorCode(() => requestsFilter({ start_date: "2026-01-01T00:00:00Z" }, now))).toBe("validation");
    expect(errorCode(() => requestsFilter({ start_date: "2026-05-02T00:00:00Z", end_date: "2026-05-01T00:00:00Z" }, now))).toBe("validation");
    expect(errorCode(() => requestsFilter({ status: "pending" }, now))).toBe("validation");
    const ids = Array.from({ length: 51 }, (_, i) => `id${i}`).join(",");
    expect(errorCode(() => requestsFilter({ service_request_id: ids }, now))).toBe("validation");
  });
});
