export * from "./enums";
export * from "./records";
export * from "./inputs";
export * from "./templates";
