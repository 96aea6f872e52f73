/**
 * Text as XML 1.0 may carry it. Case titles and descriptions come from
 * people and mail: besides the five markup characters they may hold control
 * characters or lone surrogates that XML 1.0 cannot represent at all, even
 * escaped, and a document holding one is not well-formed. Those are dropped.
 */

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(value: string): string {
  return value.replace(NOT_XML_CHAR, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** One element with text content, or nothing when there is no value. */
export function element(name: string, value: string | null | undefined, indent: string): string {
  return value === null || value === undefined ? "" : `${indent}<${name}>${xmlText(value)}</${name}>\n`;
}

/** At most `max` characters (code points, so no surrogate pair is split), with an ellipsis when cut. */
export function clip(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join("")}…`;
}
