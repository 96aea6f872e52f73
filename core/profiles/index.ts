/**
 * Organization profiles: the YAML that makes one codebase behave like a
 * hospital, a shop chain or a friend group. Schema (the format's documentation),
 * built-in defaults, and the loader that resolves `extends` and reports every
 * problem with its YAML line.
 */
export * from "./schema";
export { loadProfile, mergeProfileDocuments } from "./load";
export type { LoadProfileResult, ParentResolver } from "./load";
