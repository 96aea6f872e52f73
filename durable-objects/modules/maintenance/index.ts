import { defineModule } from "../definition";

export const maintenanceModule = defineModule({
  name: "maintenance",
  tables: [],
  commands: {},
});
