/**
 * The profile calls speak YAML, and their problems carry a line and column,
 * so they go through fetch here rather than the JSON helper.
 */
import { ApiError, errorFromResponse, networkError } from "../api/errors";
import { type OrgApi, whoAmI } from "../api/orgo";

export interface ProfileProblem {
  path: string;
  message: string;
  line: number | null;
  column: number | null;
}

/** An API error that keeps each problem's place in the YAML text. */
export class ProfileError extends ApiError {
  constructor(
    base: ApiError,
    readonly located: ProfileProblem[],
  ) {
    super(base.message, base.status, base.problems);
  }
}

export interface Routing {
  label: string;
  severity: string;
  reactivity_time: string;
  matched_rules: string[];
  tasks: number;
}

export interface Tally {
  by_label: Record<string, number>;
  by_severity: Record<string, number>;
}

export interface DryRunReport {
  window: string;
  since: string;
  signals: number;
  truncated: boolean;
  changed: number;
  before: Tally;
  after: Tally;
  changes: { signal_id: string; title: string; received_at: string; fields: string[]; before: Routing; after: Routing }[];
}

const path = (api: OrgApi, rest: string) => `/v1/orgs/${encodeURIComponent(api.org)}/profile${rest}`;
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);

async function failure(response: Response, api: OrgApi): Promise<ApiError> {
  let located: ProfileProblem[] = [];
  try {
    const body = (await response.clone().json()) as { errors?: unknown };
    if (Array.isArray(body.errors)) {
      located = body.errors
        .filter((e): e is Record<string, unknown> => typeof e === "object" && e !== null)
        .map((e) => ({
          path: typeof e.path === "string" ? e.path : "",
          message: typeof e.message === "string" ? e.message : "is not valid",
          line: num(e.line),
          column: num(e.column),
        }));
    }
  } catch {
    // Not problem+json: the status alone must do.
  }
  // A 401 means the session ended: asking who we are through the shared helper signs the app out.
  if (response.status === 401) whoAmI(api.token).catch(() => {});
  return new ProfileError(await errorFromResponse(response), located);
}

async function send(api: OrgApi, url: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { authorization: `Bearer ${api.token}`, ...init.headers }, credentials: "omit" });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw networkError();
  }
  if (!response.ok) throw await failure(response, api);
  return response;
}

export async function getProfileYaml(api: OrgApi, signal?: AbortSignal): Promise<string> {
  const response = await send(api, path(api, ""), { headers: { accept: "application/yaml" }, signal });
  return response.text();
}

export async function saveProfileYaml(api: OrgApi, yaml: string): Promise<void> {
  await send(api, path(api, ""), { method: "PUT", headers: { "content-type": "application/yaml", accept: "application/json" }, body: yaml });
}

export async function dryRunProfile(api: OrgApi, yaml: string, window: string): Promise<DryRunReport> {
  const response = await send(api, path(api, `/dry-run?window=${encodeURIComponent(window)}`), {
    method: "POST",
    headers: { "content-type": "application/yaml", accept: "application/json" },
    body: yaml,
  });
  return (await response.json()) as DryRunReport;
}
