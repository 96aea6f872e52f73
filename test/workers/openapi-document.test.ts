/** The OpenAPI document carries what an interactive reference and a client generator need. */
import { describe, expect, it } from "vitest";
import { operationIdOf } from "../../workers/http/openapi-document";
import { api } from "./helpers";

describe("the OpenAPI document", () => {
  it("gives every operation a unique operationId, its security, and the shared refusals", async () => {
    const doc = (await api("GET", "/v1/openapi.json", { token: null })).body;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: "/", description: "This deployment" }]);
    expect(doc.components.schemas.Problem).toBeDefined();
    const ids = new Set<string>();
    let count = 0;
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(item)) {
        count += 1;
        expect(op.operationId, `${method} ${path}`).toMatch(/^[a-z]+[A-Za-z0-9]*$/);
        expect(ids.has(op.operationId), op.operationId).toBe(false);
        ids.add(op.operationId);
        expect(Array.isArray(op.security), `${method} ${path} states its security`).toBe(true);
        expect(op.responses["429"], `${method} ${path}`).toBeDefined();
        if (op.requestBody) expect(op.responses["413"], `${method} ${path}`).toBeDefined();
        expect(typeof op.summary === "string" && op.summary.length > 0, `${method} ${path} has a summary`).toBe(true);
      }
    }
    expect(count).toBeGreaterThan(40);
    expect(doc.paths["/health"].get.security).toEqual([]);
    expect(doc.paths["/v1/auth/login"].post.security).toEqual([]);
    expect(doc.paths["/v1/orgs/{org}/cases"].post.security).toEqual([{ bearer: [] }]);
  });

  it("names operations after their paths", () => {
    expect(operationIdOf("post", "/v1/orgs/{org}/cases/{case_id}/replies")).toBe("postOrgsCasesReplies");
    expect(operationIdOf("get", "/v1/orgs/{org}/cases/{case_id}")).toBe("getOrgsCasesById");
    expect(operationIdOf("get", "/v1/orgs/{org}/open311/services.json")).toBe("getOrgsOpen311ServicesJson");
  });
});
