import { describe, expect, it } from "vitest";
import * as entry from "../../workers/index";

describe("the Worker's main module", () => {
  // workerd refuses to start when the main module exports anything but handlers and classes.
  it("exports only the handlers and the Durable Object class", () => {
    expect(Object.keys(entry).sort()).toEqual(["OrgObject", "default"]);
    expect(typeof entry.default.fetch).toBe("function");
    expect(typeof entry.default.email).toBe("function");
    // No cron: maintenance runs on each organization's own alarm.
    expect("scheduled" in entry.default).toBe(false);
  });
});
