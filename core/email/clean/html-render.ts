/**
 * HTML to plain text: block elements become line breaks, `br` a newline,
 * list items "- " lines, blockquotes "> " lines, and scripts, styles, the head
 * and hidden elements nothing. The walk is iterative, so ten thousand nested
 * elements cannot overflow the stack, and its cost is linear in the document.
 *
 * With `removeQuotes`, the quote and signature markup of mail clients is left
 * out (see html-quotes.ts); a removed quote leaves a sentinel line so the text
 * rules still know where it was (an attribution above it is then a quote's
 * header, and the author's words after it an inline reply).
 */
import type { AnyNode, Document, Element } from "domhandler";
import { parseDocument } from "htmlparser2";
import { capNesting } from "./html-nesting";
import { type QuoteRole, quoteRole } from "./html-quotes";
import { QUOTE_SENTINEL } from "./text-lines";

export type RenderOptions = {
  removeQuotes: boolean;
  /** A plain blockquote to treat as a quote (the last one of a reply, when nothing else marks a quote). */
  drop?: Element | null;
};

export type Rendered = {
  text: string;
  /** The last blockquote outside any other blockquote that was rendered as "> " lines. */
  lastPlainBlockquote: Element | null;
};

const SKIPPED = new Set([
  "script",
  "style",
  "head",
  "title",
  "template",
  "noscript",
  "svg",
  "math",
  "object",
  "embed",
  "iframe",
  "frame",
  "frameset",
  "meta",
  "link",
  "xml",
  "canvas",
  "audio",
  "video",
  "select",
  "button",
  "textarea",
  "input",
  "img",
  "map",
]);
const PARAGRAPHS = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "ul", "ol", "dl", "hr", "blockquote", "figure", "fieldset"]);
const BLOCKS = new Set([
  "address",
  "article",
  "aside",
  "body",
  "caption",
  "center",
  "dd",
  "details",
  "dialog",
  "dir",
  "div",
  "dt",
  "figcaption",
  "footer",
  "form",
  "header",
  "hgroup",
  "html",
  "legend",
  "li",
  "main",
  "menu",
  "nav",
  "section",
  "summary",
  "tbody",
  "tfoot",
  "thead",
  "tr",
]);
/** Zero-width characters, soft hyphens, direction marks and our own quote sentinel: nothing a reader sees. */
const INVISIBLE = /\u200b|\u200c|\u200d|\u200e|\u200f|\ufeff|\u00ad|\uE000/g;
const HTML_WHITESPACE_RUN = / [\s\u00a0]+|[\t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][\s\u00a0]*/g;
/** Deeper blockquotes still render, but with no more "> " than this. */
const MAX_QUOTE_PREFIX = 8;
const MAX_LIST_INDENT = 8;

export function parseHtml(html: string): Document {
  return parseDocument(capNesting(html), { decodeEntities: true });
}

/** The walk's stack: a node to enter, or (EXIT) an element whose end is reached. Two arrays, so a large document allocates no frame objects. */
const EXIT = 1;

export function renderHtml(doc: Document, options: RenderOptions): Rendered {
  const w = new TextWriter();
  let lastPlainBlockquote: Element | null = null;
  const nodes: AnyNode[] = [];
  const flags: number[] = [];
  pushChildren(nodes, flags, doc);
  while (nodes.length > 0) {
    const node = nodes.pop() as AnyNode;
    const exit = flags.pop() === EXIT;
    if (node.type === "text") {
      w.text((node as unknown as { data: string }).data);
      continue;
    }
    if (node.type !== "tag") continue;
    const el = node as Element;
    const tag = el.name.toLowerCase();
    if (exit) {
      leave(w, el, tag);
      continue;
    }
    if (SKIPPED.has(tag) || isHidden(el)) continue;
    if (el === options.drop) {
      w.quotePlaceholder();
      continue;
    }
    const role: QuoteRole | null = options.removeQuotes ? quoteRole(el) : null;
    if (role === "stop") break;
    if (role === "quote") {
      w.quotePlaceholder();
      continue;
    }
    if (role) continue;
    if (tag === "blockquote" && w.quoteDepth === 0) lastPlainBlockquote = el;
    enter(w, el, tag);
    nodes.push(el);
    flags.push(EXIT);
    pushChildren(nodes, flags, el);
  }
  return { text: w.finish(), lastPlainBlockquote };
}

function pushChildren(nodes: AnyNode[], flags: number[], parent: { children: AnyNode[] }): void {
  const kids = parent.children;
  for (let k = kids.length - 1; k >= 0; k--) {
    nodes.push(kids[k] as AnyNode);
    flags.push(0);
  }
}

function isHidden(el: Element): boolean {
  if (el.attribs.hidden !== undefined) return true;
  const style = el.attribs.style;
  if (!style) return false;
  const s = style.toLowerCase().replace(/\s+/g, "");
  return s.includes("display:none") || s.includes("mso-hide:all");
}

function enter(w: TextWriter, el: Element, tag: string): void {
  switch (tag) {
    case "br":
      w.lineBreak();
      return;
    case "hr":
      w.block(1);
      w.text("----------");
      w.block(1);
      return;
    case "blockquote":
      w.block(2);
      w.quoteDepth++;
      return;
    case "pre":
      w.block(2);
      w.preDepth++;
      return;
    case "ul":
    case "ol":
      w.block(w.listDepth === 0 ? 2 : 1);
      w.listDepth++;
      return;
    case "li":
      w.block(1);
      w.text("- ");
      return;
    case "td":
    case "th":
      if (hasCellBefore(el)) w.cellBreak();
      return;
    case "p":
      w.block(/\bmsonormal\b/i.test(el.attribs.class ?? "") ? 1 : 2);
      return;
  }
  if (PARAGRAPHS.has(tag)) w.block(2);
  else if (BLOCKS.has(tag)) w.block(1);
}

/** A cell with a cell before it in its row (text between cells is only the markup's whitespace). */
function hasCellBefore(el: Element): boolean {
  for (let node = el.prev; node; node = node.prev) {
    if (node.type === "tag") {
      const name = (node as Element).name.toLowerCase();
      if (name === "td" || name === "th") return true;
    }
  }
  return false;
}

function leave(w: TextWriter, el: Element, tag: string): void {
  switch (tag) {
    case "blockquote":
      w.quoteDepth--;
      w.block(2);
      return;
    case "pre":
      w.preDepth--;
      w.block(2);
      return;
    case "ul":
    case "ol":
      w.listDepth--;
      w.block(w.listDepth === 0 ? 2 : 1);
      return;
    case "p":
      w.block(/\bmsonormal\b/i.test(el.attribs.class ?? "") ? 1 : 2);
      return;
  }
  if (PARAGRAPHS.has(tag)) w.block(2);
  else if (BLOCKS.has(tag)) w.block(1);
}

/**
 * Builds lines, collapsing HTML whitespace and merging the line breaks that nested blocks ask for.
 * The current line is kept as a list of pieces joined once at its end: appending to one long
 * string and reading its last character makes V8 flatten it each time, which is quadratic on a
 * line of a hundred thousand spans or cells.
 */
class TextWriter {
  quoteDepth = 0;
  preDepth = 0;
  listDepth = 0;
  private readonly lines: string[] = [];
  /** The current line's pieces, or null when no line is open. */
  private cur: string[] | null = null;
  private curLength = 0;
  private endsWithSpace = false;
  /** The current line has more than whitespace. */
  private curHasText = false;
  /** A table cell began after a cell that wrote text on this line: " | " goes before the next text. */
  private cellSeparator = false;
  private prefix = "";
  private pending = 0;

  text(raw: string): void {
    let s = raw.replace(INVISIBLE, "");
    if (this.preDepth > 0) {
      const parts = s.replace(/\r\n?/g, "\n").split("\n");
      parts.forEach((part, k) => {
        if (k > 0) this.lineBreak();
        if (part) this.append(part.replace(/\u00a0/g, " "));
      });
      return;
    }
    // "<p>&nbsp;</p>" is how Outlook and others draw an empty line between single-spaced paragraphs.
    if ((this.cur === null || this.pending > 0) && s.includes("\u00a0") && /^[\s\u00a0]*$/.test(s)) {
      this.openLine("");
      return;
    }
    // Only runs that are not already a single space are rewritten: a match per word would cost seconds on a large body.
    s = s.replace(HTML_WHITESPACE_RUN, " ");
    if (this.cur === null || this.pending > 0 || this.curLength === 0 || this.endsWithSpace) s = s.replace(/^ /, "");
    if (s) this.append(s);
  }

  /** Cells of a row share a line, " | " between them; empty cells (spacers, images) add nothing. */
  cellBreak(): void {
    if (this.cur !== null && this.pending === 0 && this.curHasText) this.cellSeparator = true;
  }

  /** Asks for `n` line breaks before the next text: 1 starts a new line, 2 leaves a blank line. */
  block(n: number): void {
    if (this.cur === null && this.lines.length === 0) return;
    this.pending = Math.max(this.pending, n);
  }

  lineBreak(): void {
    if (this.cur !== null && this.pending === 0) {
      this.endLine();
      return;
    }
    this.flushPending();
    this.lines.push("");
  }

  quotePlaceholder(): void {
    this.block(1);
    this.append(QUOTE_SENTINEL);
    this.block(1);
  }

  finish(): string {
    if (this.cur !== null) this.endLine();
    return this.lines.join("\n");
  }

  private append(s: string): void {
    if (this.cur === null || this.pending > 0) {
      this.openLine(this.preDepth > 0 ? s : s.replace(/^ /, ""));
      return;
    }
    if (this.cellSeparator) {
      // Whitespace alone waits: an empty cell must not leave a dangling " | ".
      if (!/\S/.test(s)) return;
      this.trimCurrentEnd();
      this.push(" | ");
      this.push(s.trimStart());
      this.cellSeparator = false;
    } else this.push(s);
    if (!this.curHasText) this.curHasText = /\S/.test(s);
  }

  private openLine(s: string): void {
    this.flushPending();
    this.prefix = this.linePrefix();
    this.cur = [];
    this.curLength = 0;
    this.endsWithSpace = false;
    this.curHasText = /\S/.test(s);
    this.cellSeparator = false;
    this.push(s);
  }

  private push(s: string): void {
    if (!s || !this.cur) return;
    this.cur.push(s);
    this.curLength += s.length;
    this.endsWithSpace = s.endsWith(" ");
  }

  /** Drops the current line's trailing whitespace; each piece is trimmed or dropped once, so this stays linear. */
  private trimCurrentEnd(): void {
    const cur = this.cur;
    if (!cur) return;
    while (cur.length > 0) {
      const last = cur[cur.length - 1] ?? "";
      const trimmed = last.trimEnd();
      this.curLength -= last.length - trimmed.length;
      if (trimmed) {
        cur[cur.length - 1] = trimmed;
        break;
      }
      cur.pop();
    }
    this.endsWithSpace = false;
  }

  private flushPending(): void {
    if (this.cur !== null) this.endLine();
    if (this.lines.length > 0) for (let k = 1; k < this.pending; k++) this.lines.push("");
    this.pending = 0;
  }

  private endLine(): void {
    this.lines.push((this.prefix + (this.cur ?? []).join("")).trimEnd());
    this.cur = null;
  }

  private linePrefix(): string {
    const quote = "> ".repeat(Math.min(this.quoteDepth, MAX_QUOTE_PREFIX));
    return this.listDepth > 1 ? quote + "  ".repeat(Math.min(this.listDepth - 1, MAX_LIST_INDENT)) : quote;
  }
}
