/** Notifications of one channel, newest first: in-app notices, or the email and webhook delivery log. */
import { and, desc, eq, lt } from "drizzle-orm";
import type { Database } from "../../../d1/database";
import { type NotificationRecord, rowToNotification } from "../../../d1/rows";
import { notifications } from "../../../d1/schema";
import { everything, type Page, scan } from "./scan";

export async function listNotifications(
  db: Database,
  orgId: string,
  f: { channel: string; limit: number; before: number | null },
  wanted: (n: NotificationRecord) => boolean = everything,
): Promise<Page<NotificationRecord>> {
  const fetch = (before: number | null, n: number) =>
    db
      .select()
      .from(notifications)
      .where(and(eq(notifications.org_id, orgId), eq(notifications.channel, f.channel), ...(before === null ? [] : [lt(notifications.seq, before)])))
      .orderBy(desc(notifications.seq))
      .limit(n);
  return scan(fetch, rowToNotification, wanted, f.limit, f.before);
}
