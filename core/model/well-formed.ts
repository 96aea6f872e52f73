/**
 * Text must be well-formed Unicode. JSON can carry a lone UTF-16 surrogate
 * (`"\ud800"`), which JavaScript keeps but UTF-8 storage cannot: D1 would
 * store replacement characters while the organization's object keeps the
 * original, and a record would read back differently from what its write
 * answered. Such text is refused where it enters.
 */

/** With the `u` flag a surrogate pair is one code point, so this matches lone surrogates only. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

export const isWellFormedText = (s: string): boolean => !LONE_SURROGATE.test(s);

export const NOT_WELL_FORMED = "is not well-formed Unicode text (it holds a lone UTF-16 surrogate)";

/** The path of the first string or key in `value` that is not well-formed, or null. Iterative: safe on any parsed JSON. */
export function illFormedTextPath(value: unknown): (string | number)[] | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { value: v, path } = next;
    if (typeof v === "string") {
      if (!isWellFormedText(v)) return path;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...path, i] });
    } else if (v !== null && typeof v === "object") {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        if (!isWellFormedText(key)) return [...path, key];
        stack.push({ value: (v as Record<string, unknown>)[key], path: [...path, key] });
      }
    }
  }
  return null;
}
