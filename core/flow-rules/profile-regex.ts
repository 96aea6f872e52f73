/**
 * Regular expressions written in profiles run against untrusted signal text.
 * On JavaScript's backtracking RegExp a pattern such as `(a+)+$` takes
 * exponential time on a few dozen characters and freezes the runtime for
 * every organization, so profile patterns run on RE2 (re2js, a pure-JS port
 * whose matching time is linear in the text). RE2 has no backreferences and
 * no lookaround; such a pattern is refused when the profile loads, with
 * RE2's reason. Linear is not free, so the pattern, its compiled size and the
 * text it scans are bounded too.
 */
import { RE2JS } from "re2js";

export const MAX_PATTERN_LENGTH = 500;
// RE2's own measure of a compiled pattern; counted repetition inflates it
// (`a{1,1000}` is about 2,000), and matching work grows with it.
export const MAX_PROGRAM_SIZE = 1_000;
/**
 * Regexes read less: RE2's matching can cost a few microseconds a character
 * on patterns that defeat its fast path, and a profile may hold
 * MAX_PROFILE_PATTERNS of them, so 8 KiB keeps one signal's routing well under
 * a second even then. What routes a signal is nearly always near its start.
 */
export const MAX_REGEX_SCANNED_CHARS = 8_192;

export type CompiledPattern = { ok: true; pattern: RE2JS } | { ok: false; reason: string };

/** Compiles a profile pattern, case-insensitive, or says why it cannot be used. */
export function compileProfilePattern(source: string): CompiledPattern {
  if (source.length > MAX_PATTERN_LENGTH) return { ok: false, reason: `is longer than ${MAX_PATTERN_LENGTH} characters` };
  let pattern: RE2JS;
  try {
    pattern = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
  } catch (e) {
    return {
      ok: false,
      reason: `is not a valid regular expression for RE2 (no backreferences or lookaround): ${(e as Error).message}`,
    };
  }
  if (pattern.programSize() > MAX_PROGRAM_SIZE) {
    return { ok: false, reason: `is too complex (RE2 program size ${pattern.programSize()}, at most ${MAX_PROGRAM_SIZE}); use smaller repetition counts` };
  }
  return { ok: true, pattern };
}
