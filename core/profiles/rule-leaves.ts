/**
 * The leaf values flow rules and pattern rules are both written with. The two
 * rule kinds live in different modules; declaring their ids and short texts
 * once keeps a profile's rules checked by the same standard.
 */
import { z } from "zod";
import { checkRoleSyntax } from "../labels";

/** A rule's id: unique within the profile, shown in matched_rules and audit events. */
export const RuleId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9]+(?:[-_][a-z0-9]+)*$/, { message: "must be a slug: lowercase letters, digits, '-' or '_'" });

/** A short text a rule compares with (a type, a site, a label prefix). */
export const RuleText = z.string().min(1).max(200);

/** A role path as profiles write it (a label's horizontal part). */
export const RolePath = z
  .string()
  .superRefine((role, ctx) => {
    const reason = checkRoleSyntax(role, "role");
    if (reason !== null) ctx.addIssue({ code: "custom", message: reason });
  })
  .describe("A role path: dot-separated names, each starting with a letter (e.g. Operations.Safety).");
