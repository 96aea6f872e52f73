/**
 * Carries out a plan: the one place where what the core decided becomes
 * storage writes (each of which queues its D1 copy in the store). It decides
 * nothing; it runs inside the command's transaction, so a plan is applied
 * whole or not at all. List positions and audit and notification numbers are
 * handed out here, in the plan's order.
 */
import type { ModuleRecordUpdate, Plan } from "../../core/engine";
import { applyMaintenanceUpdate } from "../modules/maintenance/record-updates";
import type { OrgStore } from "./org-store";

/** The modules whose records core plans may change (ModuleRecordUpdate), by name. */
const MODULE_UPDATES: Readonly<Record<string, (store: OrgStore, update: ModuleRecordUpdate) => void>> = {
  maintenance: applyMaintenanceUpdate,
};

export function applyPlan<A>(store: OrgStore, plan: Plan<A>): A {
  for (const w of plan.cases) store.putCase(w.record, w.insert);
  for (const w of plan.tasks) store.putTask(w.record, w.location, w.insert);
  for (const s of plan.signals) store.putSignal(s);
  for (const e of plan.emails) store.putEmail(e);
  for (const a of plan.email_adoptions) store.adoptEmail(a.email_id, a.case_id);
  for (const a of plan.audit) store.audit(a.event, a.case_id);
  for (const caseId of plan.dedupe.clear) store.clearDedupe(caseId);
  for (const d of plan.dedupe.set) store.setDedupe(d.key, d.case_id);
  for (const w of plan.pattern_windows) store.setPatternState(w.rule_id, w.group, w.state);
  for (const d of plan.timers.drop) {
    if ("timer_id" in d) store.deleteTimer(d.timer_id);
    else store.dropTimers(d.entity_id, d.kind ?? undefined);
  }
  for (const t of plan.timers.arm) store.setTimer(t);
  for (const n of plan.notices) store.putNotice(n);
  for (const u of plan.module_updates) {
    const apply = MODULE_UPDATES[u.module];
    if (!apply) throw new Error(`no module applies ${u.module} updates`);
    apply(store, u);
  }
  return plan.answer;
}
