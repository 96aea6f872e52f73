import { defineModule } from "../definition";

export const groupsModule = defineModule({
  name: "groups",
  tables: [],
  commands: {},
});
