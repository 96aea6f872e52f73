/**
 * The modules the organization's object knows. Open311 has none of its own:
 * its requests are signals, and it reads what signals and cases already hold.
 */
import type { CommandContext } from "../commands/context";
import { careModule } from "./care";
import { groupsModule } from "./groups";
import { maintenanceModule } from "./maintenance";

export const MODULES = {
  maintenance: maintenanceModule,
  care: careModule,
  groups: groupsModule,
} as const;

export type ObjectModules = typeof MODULES;
export type ObjectModuleName = keyof ObjectModules;
export type ModuleCommandName<M extends ObjectModuleName> = keyof ObjectModules[M]["commands"] & string;
type CommandOf<M extends ObjectModuleName, K extends ModuleCommandName<M>> = ObjectModules[M]["commands"][K];
export type ModuleCommandInput<M extends ObjectModuleName, K extends ModuleCommandName<M>> =
  CommandOf<M, K> extends (ctx: CommandContext, input: infer I) => unknown ? I : never;
export type ModuleCommandOutput<M extends ObjectModuleName, K extends ModuleCommandName<M>> =
  CommandOf<M, K> extends (ctx: CommandContext, input: never) => infer O ? O : never;
