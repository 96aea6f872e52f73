/**
 * Brute-force protection for logins: at most MAX_FAILURES wrong passwords
 * per organization and email within WINDOW_MS; the next attempt is refused
 * until the oldest failure leaves the window.
 */
export const LOGIN_WINDOW_MS = 60_000;
export const LOGIN_MAX_FAILURES = 5;

export function loginVerdict(
  failureTimes: readonly number[],
  now: number,
  windowMs = LOGIN_WINDOW_MS,
  maxFailures = LOGIN_MAX_FAILURES,
): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
  const recent = failureTimes.filter((t) => t > now - windowMs).sort((a, b) => a - b);
  if (recent.length < maxFailures) return { allowed: true };
  const oldestThatBlocks = recent[recent.length - maxFailures] as number;
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldestThatBlocks + windowMs - now) / 1000)) };
}
