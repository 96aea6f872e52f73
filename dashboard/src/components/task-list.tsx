/**
 * A case's tasks with one-click moves. Only the moves the task machine
 * allows from the current status are offered (core/machines/task-machine.ts):
 * pending → in_progress | cancelled, in_progress → completed | cancelled.
 */
import { useState } from "preact/hooks";
import { moveTask, type OrgApi } from "../api/orgo";
import type { Task, TaskStatus } from "../api/types";
import { useNow } from "../live/clock";
import { EscalationBadge, SeverityBadge, StatusBadge } from "./badges";
import { Countdown, isOverdue } from "./countdown";
import { Empty, ErrorNotice } from "./states";

const MOVES: Record<TaskStatus, { to: TaskStatus; verb: string }[]> = {
  pending: [
    { to: "in_progress", verb: "Start" },
    { to: "cancelled", verb: "Cancel" },
  ],
  in_progress: [
    { to: "completed", verb: "Complete" },
    { to: "cancelled", verb: "Cancel" },
  ],
  completed: [],
  cancelled: [],
};

function TaskItem({ api, task, onMoved }: { api: OrgApi; task: Task; onMoved: () => void }) {
  const now = useNow();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const pending = task.status === "pending";
  const overdue = pending && isOverdue(task.reactivity_deadline, now);

  const move = async (to: TaskStatus) => {
    setBusy(true);
    setError(null);
    try {
      await moveTask(api, task, to);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      // After a refusal too: a 409 means someone else moved it, and the page should show how.
      onMoved();
    }
  };

  return (
    <li class={["task", overdue ? "is-overdue" : "", task.escalation_level > 0 ? "is-escalated" : ""].filter(Boolean).join(" ")}>
      <div class="task-head">
        <h3>{task.title}</h3>
        <p class="badges">
          <SeverityBadge severity={task.severity} />
          <StatusBadge status={task.status} />
          <EscalationBadge level={task.escalation_level} />
          {pending && <Countdown deadline={task.reactivity_deadline} />}
        </p>
        <p class="meta">
          {task.label}
          {task.owner_role && ` · owner ${task.owner_role}`}
          {task.type && ` · ${[task.type, task.subtype].filter(Boolean).join("/")}`}
        </p>
      </div>
      {MOVES[task.status].length > 0 && (
        <div class="task-moves">
          {MOVES[task.status].map((m) => (
            <button key={m.to} type="button" class={m.to === "cancelled" ? "" : "primary"} disabled={busy} onClick={() => move(m.to)}>
              {m.verb}
              <span class="visually-hidden"> task “{task.title}”</span>
            </button>
          ))}
        </div>
      )}
      <ErrorNotice error={error} />
    </li>
  );
}

export function TaskList({ api, tasks, onChanged }: { api: OrgApi; tasks: Task[]; onChanged: () => void }) {
  if (tasks.length === 0) return <Empty>No tasks yet. Add one below.</Empty>;
  return (
    <ul class="task-list">
      {tasks.map((t) => (
        <TaskItem key={t.task_id} api={api} task={t} onMoved={onChanged} />
      ))}
    </ul>
  );
}
