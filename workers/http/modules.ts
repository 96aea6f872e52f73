/**
 * The Worker's side of domain modules: a route of a module the organization's
 * profile does not enable answers 404 (judged on the organization row, so no
 * extra round trip), and module commands reach the object with their types.
 */
import type { Context, MiddlewareHandler } from "hono";
import { DomainError } from "../../core/errors";
import type { Result } from "../../core/errors";
import type { ModuleName } from "../../core/modules/config";
import type { Actor } from "../../core/privacy/visibility";
import type { ModuleCommandInput, ModuleCommandName, ModuleCommandOutput, ObjectModuleName } from "../../durable-objects/org-object";
import type { AppEnv } from "../env";
import { stubOf, unwrap } from "./org-client";

export function requireModule(module: ModuleName): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // Said in general terms: the path may hold ids the caller typed, and a 404 repeats nothing of a request.
    if (!c.get("org").modules.includes(module)) throw new DomainError("not_found", `this organization does not use the ${module} module`);
    return next();
  };
}

/** Runs a module command in the organization's object and unwraps its result (or throws its typed error). */
export async function runModuleCommand<M extends ObjectModuleName, K extends ModuleCommandName<M>>(
  c: Context<AppEnv>,
  module: M,
  command: K,
  input: ModuleCommandInput<M, K>,
): Promise<Awaited<ModuleCommandOutput<M, K>>> {
  // The RPC stub's mapped type drops the method's generics; the typed signature above is the contract.
  const call = stubOf(c).moduleCommand as unknown as (actor: Actor, module: M, command: K, input: unknown) => Promise<Result<unknown>>;
  return unwrap(c, await call(c.get("actor"), module, command, input)) as Awaited<ModuleCommandOutput<M, K>>;
}
