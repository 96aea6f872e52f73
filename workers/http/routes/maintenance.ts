/** Maintenance module routes (assets, locations, repairs). */
import { requireModule } from "../modules";
import { router } from "../openapi";

export const maintenanceRoutes = router();
maintenanceRoutes.use("/v1/orgs/:org/assets", requireModule("maintenance"));
maintenanceRoutes.use("/v1/orgs/:org/assets/*", requireModule("maintenance"));
maintenanceRoutes.use("/v1/orgs/:org/locations", requireModule("maintenance"));
maintenanceRoutes.use("/v1/orgs/:org/locations/*", requireModule("maintenance"));
