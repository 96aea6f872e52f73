export * from "./task-machine";
export * from "./case-machine";
