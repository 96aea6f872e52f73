/**
 * Flow rules: how a signal becomes a case and tasks, decided by the
 * organization's profile, explainably and deterministically.
 */
export { evaluateSignal } from "./evaluate";
export type { NormalizedSignal, RoutingDecision } from "./evaluate";
export { dryRun } from "./dry-run";
export type { RecordedSignal } from "./dry-run";
