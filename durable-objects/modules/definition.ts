/**
 * What a domain module brings to the organization's object: its own tables
 * (in the same SQLite, so its writes commit with the cases, audit and outbox
 * rows of the same command) and its commands. A command runs inside the
 * object's transaction like every other: it may read and write the store,
 * plan cases and tasks with the core, and must throw a DomainError to refuse.
 */
import type { ModuleName } from "../../core/modules/config";
import type { CommandContext } from "../commands/context";

// biome-ignore lint/suspicious/noExplicitAny: each command declares its own input type; the registry only maps names to them.
export type ModuleCommand = (ctx: CommandContext, input: any) => unknown;

export interface ModuleDefinition<C extends Record<string, ModuleCommand>> {
  name: ModuleName;
  /** Schema steps for the module's tables, applied once each, in order (append only). */
  tables: readonly string[];
  commands: C;
}

export function defineModule<C extends Record<string, ModuleCommand>>(definition: ModuleDefinition<C>): ModuleDefinition<C> {
  return definition;
}
