/**
 * fast-check run parameters shared by the property suites. Runs are bounded
 * so CI stays fast; a failure that fast-check reported is replayed with its
 * seed (and optionally its path), e.g.
 *   VITE_ORGO_FC_SEED=1234 npx vitest run --project workers test/workers/fuzz-endpoints.test.ts
 *   ORGO_FC_SEED=1234 npx vitest run --project core test/core/properties.test.ts
 * ORGO_FC_RUNS multiplies the run counts for a longer local search.
 * The workerd project only sees variables with Vite's VITE_ prefix, so every
 * variable is read under both names (VITE_ORGO_FC_SEED works everywhere).
 */
import type { Parameters } from "fast-check";

function envVar(name: string): string | undefined {
  const sources = [
    (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env,
    (import.meta as { env?: Record<string, string | undefined> }).env,
  ];
  for (const key of [name, `VITE_${name}`]) {
    for (const source of sources) {
      const value = source?.[key];
      if (value !== undefined && value !== "") return value;
    }
  }
  return undefined;
}

/** `numRuns` for this property (scaled by ORGO_FC_RUNS), with the seed and path to replay when given. */
export function runs<T = unknown>(numRuns: number, extra: Parameters<T> = {}): Parameters<T> {
  const seed = envVar("ORGO_FC_SEED");
  const path = envVar("ORGO_FC_PATH");
  const scale = Number(envVar("ORGO_FC_RUNS") ?? "1");
  const params: Parameters<T> = { numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(scale) && scale > 0 ? scale : 1))), ...extra };
  if (seed !== undefined && Number.isFinite(Number(seed))) params.seed = Number(seed);
  if (seed !== undefined && path !== undefined) params.path = path;
  return params;
}
