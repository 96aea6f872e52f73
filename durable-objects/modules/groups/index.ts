import { defineModule } from "../definition";
import { broadcast, createGroup, patchGroup, replaceMembers, setSchedule } from "./commands";
import { GROUP_TABLES } from "./group-store";

export const groupsModule = defineModule({
  name: "groups",
  tables: GROUP_TABLES,
  commands: { createGroup, patchGroup, replaceMembers, setSchedule, broadcast },
});
