/**
 * Webhook URL policy: in production a tenant's URL may not reach loopback,
 * private or otherwise special addresses, however the address is spelt;
 * development accepts local receivers.
 */
import { describe, expect, it } from "vitest";
import { isDomainError } from "../../core/errors";
import { classifyHost, deploymentMode, requireSafeWebhookUrl, webhookUrlProblem, type HostClass } from "../../core/security/webhook-url";

const hostOf = (url: string) => new URL(url).hostname;

describe("the URL parser normalises address spellings before they are judged", () => {
  it.each([
    ["http://2130706433/", "127.0.0.1"],
    ["http://0x7f.1/", "127.0.0.1"],
    ["http://0x7f000001/", "127.0.0.1"],
    ["http://0177.0.0.1/", "127.0.0.1"],
    ["http://017700000001/", "127.0.0.1"],
    ["http://127.1/", "127.0.0.1"],
    ["http://127.0.0.0x1/", "127.0.0.1"],
    ["http://%31%32%37.0.0.1/", "127.0.0.1"],
    ["http://127.0.0.1./", "127.0.0.1"],
    ["http://0/", "0.0.0.0"],
    ["http://[::ffff:127.0.0.1]/", "[::ffff:7f00:1]"],
    ["http://[0:0:0:0:0:ffff:a00:1]/", "[::ffff:a00:1]"],
    ["http://[FF02::1]/", "[ff02::1]"],
    ["http://LOCALHOST./", "localhost."],
    ["http://ｌｏｃａｌｈｏｓｔ/", "localhost"],
  ])("%s has the host %s", (url, host) => {
    expect(hostOf(url)).toBe(host);
  });

  it("rejects what is no address at all (zone ids, out-of-range parts)", () => {
    for (const url of ["http://[fe80::1%25eth0]/", "http://256.1.1.1/", "http://1.2.3.4.5/"]) expect(() => new URL(url), url).toThrow();
  });
});

describe("classifyHost", () => {
  const cases: [string, HostClass][] = [
    // IPv4 literals, however written
    ["http://127.0.0.1/", "loopback"],
    ["http://127.255.255.254/", "loopback"],
    ["http://2130706433/", "loopback"],
    ["http://0x7f.1/", "loopback"],
    ["http://0177.0.0.1/", "loopback"],
    ["http://0/", "unspecified"],
    ["http://0.1.2.3/", "unspecified"],
    ["http://10.0.0.1/", "private"],
    ["http://10.255.255.255/", "private"],
    ["http://172.16.0.1/", "private"],
    ["http://172.31.255.255/", "private"],
    ["http://172.32.0.1/", "public"],
    ["http://172.15.255.255/", "public"],
    ["http://192.168.1.1/", "private"],
    ["http://0xc0a80101/", "private"],
    ["http://100.64.0.1/", "shared"],
    ["http://100.127.255.255/", "shared"],
    ["http://100.128.0.1/", "public"],
    ["http://169.254.169.254/", "link_local"],
    ["http://192.0.0.8/", "reserved"],
    ["http://192.0.2.1/", "reserved"],
    ["http://198.18.0.1/", "reserved"],
    ["http://198.19.255.255/", "reserved"],
    ["http://198.51.100.7/", "reserved"],
    ["http://203.0.113.9/", "reserved"],
    ["http://224.0.0.1/", "multicast"],
    ["http://239.255.255.250/", "multicast"],
    ["http://240.0.0.1/", "reserved"],
    ["http://255.255.255.255/", "reserved"],
    ["http://1.1.1.1/", "public"],
    ["http://8.8.8.8/", "public"],
    ["http://93.184.216.34/", "public"],
    // IPv6 literals
    ["http://[::]/", "unspecified"],
    ["http://[::1]/", "loopback"],
    ["http://[0:0:0:0:0:0:0:1]/", "loopback"],
    ["http://[::ffff:127.0.0.1]/", "loopback"],
    ["http://[::ffff:7f00:1]/", "loopback"],
    ["http://[::ffff:10.0.0.1]/", "private"],
    ["http://[::ffff:169.254.169.254]/", "link_local"],
    ["http://[::ffff:8.8.8.8]/", "public"],
    ["http://[::127.0.0.1]/", "reserved"],
    ["http://[::ffff:0:7f00:1]/", "reserved"],
    ["http://[64:ff9b::7f00:1]/", "loopback"],
    ["http://[64:ff9b::808:808]/", "public"],
    ["http://[64:ff9b:1::1]/", "private"],
    ["http://[2002:7f00:1::]/", "loopback"],
    ["http://[2002:c0a8:101::1]/", "private"],
    ["http://[2002:808:808::1]/", "public"],
    ["http://[fc00::1]/", "unique_local"],
    ["http://[fd12:3456:789a::1]/", "unique_local"],
    ["http://[fe80::1]/", "link_local"],
    ["http://[febf::1]/", "link_local"],
    ["http://[fec0::1]/", "private"],
    ["http://[ff02::1]/", "multicast"],
    ["http://[FF05::2]/", "multicast"],
    ["http://[100::1]/", "reserved"],
    ["http://[2001:db8::1]/", "reserved"],
    ["http://[2001::1]/", "reserved"],
    ["http://[3fff::1]/", "reserved"],
    ["http://[4000::1]/", "reserved"],
    ["http://[::2]/", "reserved"],
    ["http://[2606:4700:4700::1111]/", "public"],
    ["http://[2a00:1450:4001:80b::200e]/", "public"],
    // names
    ["http://localhost/", "local_name"],
    ["http://LOCALHOST./", "local_name"],
    ["http://ｌｏｃａｌｈｏｓｔ/", "local_name"],
    ["http://api.localhost/", "local_name"],
    ["http://printer.local/", "local_name"],
    ["http://metadata.google.internal/", "local_name"],
    ["http://router.home.arpa/", "local_name"],
    ["http://intranet/", "local_name"],
    ["http://hooks.example.com/", "public"],
    ["http://hooks.example.com./", "public"],
    ["http://localhost.example.com/", "public"],
    ["http://internal.example.com/", "public"],
  ];
  it.each(cases)("%s is %s", (url, cls) => {
    expect(classifyHost(hostOf(url))).toBe(cls);
  });

  it("normalises spellings a caller passes without the URL parser", () => {
    expect(classifyHost("0x7f.1")).toBe("loopback");
    expect(classifyHost("2130706433")).toBe("loopback");
    expect(classifyHost("[::ffff:127.0.0.1]")).toBe("loopback");
    expect(classifyHost("LocalHost")).toBe("local_name");
  });

  it("treats what it cannot read as refused, never as public", () => {
    expect(classifyHost("[not:an:address]")).toBe("reserved");
    expect(classifyHost("[1::2::3]")).toBe("reserved");
    expect(classifyHost("::1")).toBe("reserved");
  });
});

describe("webhookUrlProblem", () => {
  it("production: https to a public name on the standard port is the only accepted shape", () => {
    expect(webhookUrlProblem("https://hooks.example.com/orgo", "production")).toBeNull();
    expect(webhookUrlProblem("https://hooks.example.com:443/orgo?x=1", "production")).toBeNull();
    expect(webhookUrlProblem("https://8.8.8.8/", "production")).toBeNull();
    expect(webhookUrlProblem("https://[2606:4700:4700::1111]/", "production")).toBeNull();
  });

  it.each([
    ["http://hooks.example.com/orgo", /https/],
    ["https://hooks.example.com:8443/orgo", /port, not 8443/],
    ["https://hooks.example.com:80/orgo", /port, not 80/],
    ["https://127.0.0.1/", /loopback/],
    ["https://2130706433/", /127\.0\.0\.1: a loopback/],
    ["https://0x7f.1/", /loopback/],
    ["https://[::1]/", /loopback/],
    ["https://[::ffff:127.0.0.1]/", /loopback/],
    ["https://[::ffff:a9fe:a9fe]/", /link-local/],
    ["https://169.254.169.254/latest/meta-data/", /link-local/],
    ["https://10.1.2.3/", /private/],
    ["https://100.64.1.1/", /carrier-grade NAT/],
    ["https://[fd00::1]/", /unique-local/],
    ["https://[ff02::1]/", /multicast/],
    ["https://0.0.0.0/", /unspecified/],
    ["https://[::]/", /unspecified/],
    ["https://240.1.1.1/", /reserved/],
    ["https://localhost/", /inside a network/],
    ["https://hooks.localhost/", /inside a network/],
    ["https://nas.local/", /inside a network/],
    ["https://svc.internal/", /inside a network/],
    ["https://svc.internal./", /inside a network/],
    ["ftp://hooks.example.com/", /https/],
    ["not a url", /not a valid URL/],
  ])("production refuses %s", (url, reason) => {
    expect(webhookUrlProblem(url, "production")).toMatch(reason);
  });

  it("development accepts local receivers over http, on any port", () => {
    for (const url of ["http://127.0.0.1:9999/hook", "http://localhost:3000/", "https://[::1]:8443/", "http://192.168.1.10/", "https://hooks.example.com/"]) {
      expect(webhookUrlProblem(url, "development"), url).toBeNull();
    }
    expect(webhookUrlProblem("ftp://127.0.0.1/", "development")).toMatch(/http or https/);
  });

  it("requireSafeWebhookUrl throws an invalid_profile error naming the path", () => {
    let caught: unknown;
    try {
      requireSafeWebhookUrl("https://127.0.0.1/", "production", "notifications.channels.webhook.url");
    } catch (e) {
      caught = e;
    }
    expect(isDomainError(caught)).toBe(true);
    expect(caught).toMatchObject({ code: "invalid_profile", errors: [{ path: "notifications.channels.webhook.url" }] });
    expect(() => requireSafeWebhookUrl("http://127.0.0.1/", "development", "x")).not.toThrow();
  });
});

describe("deploymentMode", () => {
  it("only ORGO_ENV=development is development; anything else, or nothing, is production", () => {
    expect(deploymentMode("development")).toBe("development");
    for (const v of [undefined, "", "production", "staging", "Development", "dev"]) expect(deploymentMode(v), String(v)).toBe("production");
  });
});
