/**
 * The engine: commands decided as plans. Each plan function takes a
 * snapshot of what the command needs, its validated input and the
 * environment (profile, actor, `now`, an id source) and returns the plan the
 * Durable Object applies in one transaction.
 */
export * from "./plan";
export { planCaseCreate, planCasePatch, type CaseCreateSnapshot, type CasePatchSnapshot } from "./case-plan";
export { planTaskCreate, planTaskTransition, type TaskCreateSnapshot, type TaskTransitionSnapshot } from "./task-plan";
export {
  batchOrder,
  idempotencyKeyOf,
  planSignal,
  replayedOutcome,
  routeSignal,
  type RoutedSignal,
  type SignalSnapshot,
} from "./signal-plan";
export { planTimer, type TimerOutcome, type TimerSnapshot } from "./timer-plan";
export { planInboundEmail, type EmailAnswer, type EmailOutcome, type EmailSnapshot } from "./email-plan";
export { planReply, type ReplySnapshot, type ThreadTip } from "./reply-plan";
export { decisionsOf, planReviewCase, type ReviewCaseSnapshot } from "./review-plan";
