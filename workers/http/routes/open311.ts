/** Open311 GeoReport v2 routes: services from the profile, requests as signals. */
import { requireModule } from "../modules";
import { router } from "../openapi";

export const open311Routes = router();
open311Routes.use("/v1/orgs/:org/open311/*", requireModule("open311"));
