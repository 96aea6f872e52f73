/** Open formats of a case: OASIS CAP 1.2 for crisis cases (JSON-LD is served by the case route on Accept). */
import { router } from "../openapi";

export const standardsRoutes = router();
