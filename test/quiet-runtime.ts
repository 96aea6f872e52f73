/**
 * Global setup (in the vitest process itself): at the end of every test file
 * the workerd runtime under the test pool reports its socket to the pool
 * closing, a line on stdout that says nothing about the tests. It is dropped
 * here so a run prints results; every other line passes through untouched
 * (an alarm running behind a test's back, for one, still shows).
 */
const BENIGN = [/^exception = workerd\/api\/web-socket\.c\+\+:\d+: disconnected: WebSocket peer disconnected$/];

export default function quietRuntime(): void {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    const kept = text
      .split(/(?<=\n)/)
      .filter((line) => !BENIGN.some((re) => re.test(line.trimEnd())))
      .join("");
    if (kept.length === 0) return true;
    return (write as (...args: unknown[]) => boolean)(kept, ...rest);
  }) as typeof process.stdout.write;
  // Not restored at teardown: the pool's last socket closes after it.
}
