import { defineModule } from "../definition";

export const careModule = defineModule({
  name: "care",
  tables: [],
  commands: {},
});
