/** Time left to first reaction, ticking; once past, how long it has been overdue. */
import { useNow } from "../live/clock";

function spell(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${seconds}s`;
  return `${seconds}s`;
}

export function isOverdue(deadline: string | null, now: number): boolean {
  return deadline !== null && Date.parse(deadline) <= now;
}

export function Countdown({ deadline }: { deadline: string | null }) {
  const now = useNow();
  if (!deadline) return null;
  const left = Date.parse(deadline) - now;
  const overdue = left <= 0;
  return (
    <time class={overdue ? "countdown overdue" : "countdown"} dateTime={deadline} title={`Reaction due ${new Date(deadline).toLocaleString()}`}>
      {overdue ? `Overdue by ${spell(left)}` : `React within ${spell(left)}`}
    </time>
  );
}
