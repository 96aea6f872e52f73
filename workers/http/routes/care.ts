/** Care/HR module routes (personnel, intake, consent, erasure). */
import { router } from "../openapi";

export const careRoutes = router();
