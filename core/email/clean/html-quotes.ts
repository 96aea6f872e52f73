/**
 * The markup mail clients put around a quoted message or a signature:
 * Gmail's `gmail_quote`, Apple Mail's and Thunderbird's `blockquote
 * type="cite"`, Yahoo's `yahoo_quoted`, Outlook's `divRplyFwdMsg`,
 * `#appendonsend` and the top-bordered header block that starts the quoted
 * message, and the signature containers. Reading an element's text is
 * bounded, so deeply nested markup costs no more than flat markup.
 */
import type { AnyNode, Element } from "domhandler";
import { headerRole, startsWithForwardLabel } from "./reply-headers";

/** quote: removed, its place kept; attribution and signature: removed; stop: it and everything after it are removed. */
export type QuoteRole = "quote" | "attribution" | "signature" | "stop";

const QUOTE_CLASSES = new Set(["gmail_quote", "yahoo_quoted", "protonmail_quote", "mail-editor-reference-message-container", "zmail_extra_quote"]);
const ATTRIBUTION_CLASSES = new Set(["gmail_attr", "moz-cite-prefix", "yahoo_quoted_begin"]);
const SIGNATURE_CLASSES = new Set(["gmail_signature", "gmail_signature_prefix", "moz-signature", "signature"]);
const STOP_IDS = /^(?:x_)*(?:divrplyfwdmsg|appendonsend|olk_src_body_section|zwchr)$/;
const SIGNATURE_IDS = /^(?:x_)*(?:signature|ms-outlook-mobile-signature)$/;

export function quoteRole(el: Element): QuoteRole | null {
  const attribs = el.attribs;
  const tag = el.name.toLowerCase();
  const id = (attribs.id ?? "").toLowerCase();
  if (id && STOP_IDS.test(id)) return "stop";
  if (attribs["data-marker"] === "__DIVIDER__") return "stop";
  if (attribs["data-marker"] === "__QUOTED_TEXT__") return "quote";
  if (tag === "blockquote" && (attribs.type ?? "").toLowerCase() === "cite") return "quote";
  const classes = (attribs.class ?? "").toLowerCase().split(/\s+/);
  for (const c of classes) {
    if (QUOTE_CLASSES.has(c)) return c === "gmail_quote" && startsWithForwardLabel(leadingText(el)) ? null : "quote";
    if (ATTRIBUTION_CLASSES.has(c)) return "attribution";
    if (SIGNATURE_CLASSES.has(c)) return "signature";
  }
  if (id && SIGNATURE_IDS.test(id)) return "signature";
  if (tag === "div" && isOutlookHeaderBox(el)) return "stop";
  return null;
}

/** Outlook's and Windows Mail's top-bordered box holding the quoted message's From/Sent/To lines. */
function isOutlookHeaderBox(el: Element): boolean {
  const style = (el.attribs.style ?? "").toLowerCase().replace(/\s+/g, "");
  if (!style.includes("border-top")) return false;
  if (/border-top:solid#(?:e1e1e1|b5c4df)/.test(style)) return true;
  if (!/border-top(?:-style)?:[^;]*solid/.test(style)) return false;
  return headerRole(leadingText(el)) === "from";
}

const MAX_LEADING_CHARS = 200;
const MAX_LEADING_NODES = 400;

/** The first characters of an element's text, read without recursion and with a bound on the nodes visited. */
export function leadingText(el: Element): string {
  let text = "";
  let visited = 0;
  const stack: AnyNode[] = [el];
  while (stack.length > 0 && text.length < MAX_LEADING_CHARS && visited++ < MAX_LEADING_NODES) {
    const node = stack.pop();
    if (!node) break;
    if (node.type === "text") text += (node as unknown as { data: string }).data;
    else if ("children" in node && node.type !== "script" && node.type !== "style") {
      const kids = node.children;
      if (node !== el && (node as Element).name === "br") text += "\n";
      for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k] as AnyNode);
    }
  }
  return text.replace(/[ \t\u00a0\u200e\u200f]+/g, " ").trim();
}
