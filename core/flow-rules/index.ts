/**
 * Flow rules: how a signal becomes a case and tasks, decided by the
 * organization's profile, explainably and deterministically.
 */
export { evaluateSignal, templateContext, DEFAULT_SEVERITY } from "./evaluate";
export type { NormalizedSignal, RoutingDecision, RoutedTask } from "./evaluate";
export { FlowRule, FlowWhen, FlowThen } from "../profiles/schema";
export { dryRun, routeWith } from "./dry-run";
export type { DryRunReport, RecordedSignal, Routing, RoutingChange } from "./dry-run";
