export * from "./ladder";
export * from "./label";
