/** Groups module routes (groups, rosters, schedules, sessions, broadcasts). */
import { requireModule } from "../modules";
import { router } from "../openapi";

export const groupRoutes = router();
groupRoutes.use("/v1/orgs/:org/groups", requireModule("groups"));
groupRoutes.use("/v1/orgs/:org/groups/*", requireModule("groups"));
