/** One case: what it is, its tasks with their moves, its timeline, replies and new tasks; live. */
import { caseTimeline, getCase, type OrgApi, tasksOfCase } from "../api/orgo";
import type { LiveEvent, Role } from "../api/types";
import { AddTaskForm } from "../components/add-task-form";
import { EscalationBadge, SeverityBadge, StatusBadge } from "../components/badges";
import { awaitsReaction } from "../components/case-list";
import { Countdown } from "../components/countdown";
import { Link } from "../components/link";
import { ReplyForm } from "../components/reply-form";
import { ErrorNotice, Loading } from "../components/states";
import { TaskList } from "../components/task-list";
import { Timeline } from "../components/timeline";
import { describeLabel } from "../labels/labels";
import { useLiveRefresh } from "../live/live-context";
import { useResource } from "../use-resource";

export function CasePage({ api, caseId, roles }: { api: OrgApi; caseId: string; roles: Role[] }) {
  const record = useResource((signal) => getCase(api, caseId, signal), [api, caseId]);
  const tasks = useResource((signal) => tasksOfCase(api, caseId, signal), [api, caseId]);
  const timeline = useResource((signal) => caseTimeline(api, caseId, signal), [api, caseId]);

  const refresh = () => {
    record.reload();
    tasks.reload();
    timeline.reload();
  };
  const taskIds = new Set(tasks.data?.items.map((t) => t.task_id));
  // A task at version 1 is new and may be this case's: cheaper to look than to miss it.
  const concerns = (e: LiveEvent) => (e.type === "case" && e.id === caseId) || (e.type === "task" && (taskIds.has(e.id) || e.version === 1));
  useLiveRefresh(concerns, refresh);

  const c = record.data;
  if (!c) {
    return (
      <main id="main" class="case-page">
        <p>
          <Link href="/">← Inbox</Link>
        </p>
        {record.error ? <ErrorNotice error={record.error} onRetry={record.reload} /> : <Loading what="the case" />}
      </main>
    );
  }
  const place = [c.location.site, c.location.area].filter(Boolean).join(", ");
  return (
    <main id="main" class="case-page">
      <p>
        <Link href="/">← Inbox</Link>
      </p>
      <header class="case-head">
        <h1>{c.title}</h1>
        <p class="badges">
          <SeverityBadge severity={c.severity} />
          <StatusBadge status={c.status} />
          <EscalationBadge level={c.escalation_level} />
          {awaitsReaction(c) && <Countdown deadline={c.reactivity_deadline} />}
        </p>
      </header>
      <ErrorNotice error={record.error} onRetry={record.reload} />
      <section aria-labelledby="about-heading" class="card">
        <h2 id="about-heading">About</h2>
        {c.description ? <p class="description">{c.description}</p> : <p class="hint">No description.</p>}
        <dl class="facts">
          <dt>Reference</dt>
          <dd>#{c.ref}</dd>
          <dt>Label</dt>
          <dd>
            <code>{c.label}</code> <span class="hint">({describeLabel(c.label)})</span>
          </dd>
          <dt>Location</dt>
          <dd>{place || "Not given"}</dd>
          <dt>Tags</dt>
          <dd>
            {c.tags.length > 0
              ? c.tags.map((t) => (
                  <span class="tag" key={t}>
                    {t}
                  </span>
                ))
              : "None"}
          </dd>
          {c.person_id && (
            <>
              <dt>Person</dt>
              <dd>{c.person_id}</dd>
            </>
          )}
          <dt>Opened</dt>
          <dd>
            <time dateTime={c.created_at}>{new Date(c.created_at).toLocaleString()}</time>
          </dd>
        </dl>
      </section>
      <section aria-labelledby="tasks-heading" class="card">
        <h2 id="tasks-heading">Tasks</h2>
        <ErrorNotice error={tasks.error} onRetry={tasks.reload} />
        {tasks.data ? <TaskList api={api} tasks={tasks.data.items} onChanged={refresh} /> : !tasks.error && <Loading what="tasks" />}
        <AddTaskForm api={api} caseId={caseId} roles={roles} onAdded={refresh} />
      </section>
      <section aria-labelledby="timeline-heading" class="card">
        <h2 id="timeline-heading">Timeline</h2>
        <ErrorNotice error={timeline.error} onRetry={timeline.reload} />
        {timeline.data ? <Timeline api={api} caseId={caseId} items={timeline.data.items} /> : !timeline.error && <Loading what="the timeline" />}
      </section>
      <section class="card">
        <ReplyForm api={api} caseId={caseId} onSent={timeline.reload} />
      </section>
    </main>
  );
}
