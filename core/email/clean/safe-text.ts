/**
 * The cleaned text is shown and stored as text, but it may come from HTML
 * that spelled out a tag with entities ("&lt;script&gt;"). A "<" that would
 * open a tag is replaced by "‹", so no consumer can ever read a tag or a
 * script in it; "<bob@example.com>" and "<http://…>" are not tags and stay.
 */
const TAG_OPENING = /<(?=[/!?]|[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$))/g;

export function withoutTags(text: string): string {
  return text.replace(TAG_OPENING, "‹");
}

/** At most one blank line in a row: HTML's nested blocks leave more than a reader wants. */
export function collapseBlankLines(text: string): string {
  return text.replace(/\n(?:[ \t]*\n){2,}/g, "\n\n");
}
