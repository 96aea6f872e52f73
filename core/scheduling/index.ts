/** Time for the core: durations, business calendars, the timer table and escalation decisions. */
export * from "./duration";
export * from "./calendar";
export * from "./timers";
export * from "./escalation";
