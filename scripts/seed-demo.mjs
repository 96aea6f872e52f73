// Seeds the demo organization once. Its token is kept in the state directory
// so every later start prints the same one; if that file is lost, a new token
// is issued with the platform admin token. Its profile (demo-profile.yaml)
// keeps notifications on this machine, so a local start reaches no outside host.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const DEMO = {
  slug: "demo",
  name: "Demo Retail Co.",
  profileYaml: readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "demo-profile.yaml"), "utf8"),
  email: "admin@demo.orgo.test",
  password: "demo-password",
};

const CASES = [
  { title: "Water leak under the freezer aisle", severity: "high", label: "1001.91.Operations.Maintenance", location: { site: "Store 12", area: "Aisle 4" } },
  { title: "Broken shelf in the storeroom", severity: "medium", location: { site: "Store 12", area: "Storeroom" } },
  { title: "Fire exit blocked by pallets", severity: "critical", label: "1001.91.Operations.Safety", location: { site: "Store 7", area: "Back door" } },
];

async function call(base, token, method, url, body) {
  const r = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

export async function seedDemo({ base, adminToken, stateDir }) {
  const tokenFile = path.join(stateDir, "demo-token");
  const existing = await call(base, adminToken, "GET", `/v1/orgs/${DEMO.slug}`);
  let created = false;
  let token;
  if (existing.status === 404) {
    const r = await call(base, adminToken, "POST", "/v1/orgs", {
      slug: DEMO.slug,
      name: DEMO.name,
      profile_yaml: DEMO.profileYaml,
      admin: { email: DEMO.email, display_name: "Demo Admin", password: DEMO.password },
    });
    if (r.status === 409) return seedDemo({ base, adminToken, stateDir });
    if (r.status !== 201) throw new Error(`seeding the demo organization failed: ${r.status} ${JSON.stringify(r.body)}`);
    token = r.body.token;
    created = true;
    for (const c of CASES) {
      const made = await call(base, token, "POST", `/v1/orgs/${DEMO.slug}/cases`, c);
      if (made.status !== 201) throw new Error(`seeding a demo case failed: ${made.status} ${JSON.stringify(made.body)}`);
      await call(base, token, "POST", `/v1/orgs/${DEMO.slug}/cases/${made.body.case_id}/tasks`, { title: `Look into: ${c.title}` });
    }
  } else if (existing.status !== 200) {
    throw new Error(`reading the demo organization failed: ${existing.status} ${JSON.stringify(existing.body)}`);
  } else if (existsSync(tokenFile)) {
    token = readFileSync(tokenFile, "utf8").trim();
    const check = await call(base, token, "GET", `/v1/orgs/${DEMO.slug}`);
    if (check.status !== 200) token = undefined;
  }
  if (!token) {
    const r = await call(base, adminToken, "POST", `/v1/orgs/${DEMO.slug}/tokens`, { name: "demo", admin: true });
    if (r.status !== 201) throw new Error(`issuing a demo token failed: ${r.status} ${JSON.stringify(r.body)}`);
    token = r.body.token;
  }
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  return { slug: DEMO.slug, token, created, email: DEMO.email, password: DEMO.password };
}
