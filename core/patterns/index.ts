/** Pattern rules: many small items that add up to one bigger problem. */
export * from "./pattern-rule";
export * from "./window";
