/**
 * The email gateway's MIME parser: postal-mime does the MIME tree, and this subclass fixes what it
 * gets wrong on real mail — raw 8-bit headers, legacy and mislabelled charsets, UTF-7, uuencode,
 * signature parts, boundary line breaks — and reads the headers with our own address, date and
 * RFC 2047 rules. Never throws: hostile bytes give a (possibly empty) message.
 */
import PostalMime from "postal-mime";
import { parseAddressList } from "./addresses";
import { Base64Sink, PassThroughSink } from "./body-decoders";
import { decodeBytes } from "./charsets";
import { parseDate } from "./dates";
import { decodeEncodedWords } from "./encoded-words";
import type { Address, ParsedAttachment, ParsedMessage } from "./parsed-message";
import { escapeRawLine, needsEscape, restoreRawBytes } from "./raw-header-bytes";
import { decodeUuencodedPart, extractUuencoded } from "./uuencode";

/** Multiparts nested deeper than this are kept whole, as one opaque attachment. */
export const MAX_PART_DEPTH = 50;
/** Each attached message is parsed again; beyond this depth it stays an attachment. */
const MAX_MESSAGE_DEPTH = 3;

// postal-mime 4.0.0 internals this subclass relies on (pinned version; the .d.ts hides them).
interface Structured {
  value: string;
  params: Record<string, string>;
}
interface Node {
  parentNode?: Node;
  childNodes: Node[];
  depth: number;
  state: "header" | "body" | "finished";
  headerLines: string[];
  headers: Array<{ key: string; value: string }>;
  contentType: { value: string; parsed: Structured; multipart: string | false };
  contentTransferEncoding: { value: string; encoding: string };
  contentDisposition: { value: string; parsed: Structured };
  contentId?: string;
  content: ArrayBuffer | null;
  contentDecoder: { update(line: Uint8Array): void; finalize(): Promise<ArrayBuffer> } | null;
  options: { maxHeadersSize: number };
  getTextContent(): string;
  decodeFlowedText(text: string, delSp: boolean): string;
}
interface RawAttachment {
  filename: string | null;
  mimeType: string;
  disposition: string | null;
  contentId?: string;
  content: ArrayBuffer | Uint8Array | string;
}
type TextEntry = { type: "text"; value: string } | { type: "subMessage"; value: unknown };
type TextMapEntry = Partial<Record<"plain" | "html", TextEntry[]>>;
interface Internals {
  root: Node;
  currentNode: Node;
  boundaries: Array<{ value: Uint8Array; node: Node }>;
  headerSize: number;
  attachments: RawAttachment[];
  textMap: Map<Node, TextMapEntry>;
  textTypes: Set<"plain" | "html">;
  textContent: Record<string, string>;
  rfc822NestingDepth: number;
  finalize(): Promise<void>;
  processLine(line: Uint8Array, isFinal: boolean): Promise<void>;
  collectNode(node: Node, alternative: Node | false, related: boolean): Promise<void>;
  collectAttachment(node: Node, content: ArrayBuffer, related: boolean, rfc822DepthExceeded: boolean): void;
  addTextEntry(selector: Node, textType: "plain" | "html", item: TextEntry): void;
  renderTextContent(): void;
  parse(raw: Uint8Array): Promise<PostalEmail>;
  buildMessage(): PostalEmail;
}
interface PostalEmail {
  text?: string;
  html?: string;
  attachments: RawAttachment[];
}

const base = PostalMime.prototype as unknown as Internals;
const SIGNATURES = new Set(["application/pgp-signature", "application/pkcs7-signature", "application/x-pkcs7-signature"]);
// Machine-readable report parts that a person reading a bounce wants to see in the body.
const REPORT_TEXT = new Set(["message/delivery-status", "message/global-delivery-status", "message/feedback-report", "text/rfc822-headers"]);

function charsetOf(node: Node): string | null {
  return node.contentType.parsed.params.charset || null;
}

/** The charset that raw 8-bit header bytes of a part most likely use: its own, else the first text part's. */
function headerCharset(node: Node): string | null {
  const own = charsetOf(node);
  if (own) return own;
  const queue = [...node.childNodes];
  for (let i = 0; i < queue.length && i < 200; i++) {
    const next = queue[i] as Node;
    const charset = charsetOf(next);
    if (charset) return charset;
    queue.push(...next.childNodes);
  }
  return null;
}

function isPassThrough(node: Node): boolean {
  return !/base64|quoted-printable/i.test(node.contentTransferEncoding.encoding);
}

function isUuencoded(node: Node): boolean {
  return /^(?:x-)?uu(?:encode|e)?$/i.test(node.contentTransferEncoding.encoding);
}

function textOf(node: Node): string {
  if (!node.content) return "";
  let text = decodeBytes(new Uint8Array(node.content), charsetOf(node));
  const params = node.contentType.parsed.params;
  if (/^flowed$/i.test(params.format ?? "")) text = node.decodeFlowedText(text, /^yes$/i.test(params.delsp ?? ""));
  return text;
}

class GatewayParser extends PostalMime {
  /** The text entries of machine-readable report parts, left out of the author's text. */
  readonly reportEntries = new Set<TextEntry>();
  /** The bodies without the report parts: what the sender's person or program wrote for people. */
  authorContent: { plain: string; html: string } = { plain: "", html: "" };

  private get self(): Internals {
    return this as unknown as Internals;
  }

  renderTextContent(): void {
    const self = this.self;
    if (this.reportEntries.size === 0) {
      base.renderTextContent.call(this);
      this.authorContent = { plain: self.textContent.plain ?? "", html: self.textContent.html ?? "" };
      return;
    }
    // Rendered once without the report entries (and without the text types only they brought, so a
    // human-readable HTML part is not also turned into plain text), then once with everything.
    const fullMap = self.textMap;
    const fullTypes = self.textTypes;
    const authorMap = new Map<Node, TextMapEntry>();
    const authorTypes = new Set<"plain" | "html">();
    fullMap.forEach((entry, node) => {
      const kept: TextMapEntry = {};
      for (const type of ["plain", "html"] as const) {
        const items = entry[type]?.filter((item) => !this.reportEntries.has(item));
        if (!items?.length) continue;
        kept[type] = items;
        authorTypes.add(type);
      }
      if (kept.plain || kept.html) authorMap.set(node, kept);
    });
    self.textMap = authorMap;
    self.textTypes = authorTypes;
    self.textContent = {};
    base.renderTextContent.call(this);
    this.authorContent = { plain: self.textContent.plain ?? "", html: self.textContent.html ?? "" };
    self.textMap = fullMap;
    self.textTypes = fullTypes;
    self.textContent = {};
    base.renderTextContent.call(this);
  }

  async processLine(line: Uint8Array, isFinal: boolean): Promise<void> {
    const self = this.self;
    const node = self.currentNode;
    if (node.state === "header" && line.length && !(line[0] === 0x2d && line[1] === 0x2d && self.boundaries.length) && needsEscape(line)) {
      self.headerSize += line.length;
      if (self.headerSize > node.options.maxHeadersSize) throw new Error("header section too large");
      node.headerLines.push(escapeRawLine(line));
      if (isFinal) await self.finalize();
      return;
    }
    const wasHeader = node.state === "header";
    await base.processLine.call(this, line, isFinal);
    if (!wasHeader || node.state !== "body") return;
    if (/base64/i.test(node.contentTransferEncoding.encoding)) node.contentDecoder = new Base64Sink();
    else if (isPassThrough(node)) node.contentDecoder = new PassThroughSink();
    if (node.contentType.multipart && node.depth >= MAX_PART_DEPTH) {
      // Too deep: stop reading it as a multipart, so its whole body becomes one opaque part.
      const at = self.boundaries.findIndex((b) => b.node === node);
      if (at >= 0) self.boundaries.splice(at, 1);
      node.contentType.multipart = false;
    }
  }

  async collectNode(node: Node, alternative: Node | false, related: boolean): Promise<void> {
    const self = this.self;
    if (node.contentType.multipart) return base.collectNode.call(this, node, alternative, related);
    const mimeType = node.contentType.parsed.value;
    const named = Boolean(node.contentDisposition.parsed.params.filename || node.contentType.parsed.params.name);
    // An unnamed signature is the envelope of multipart/signed; a named one (smime.p7s) is a file the sender attached.
    if (node.parentNode?.contentType.multipart === "signed" && SIGNATURES.has(mimeType) && !named && node.contentDisposition.parsed.value !== "attachment")
      return;
    if (node.content && isPassThrough(node) && node.parentNode) {
      // The line break before a boundary belongs to the boundary, not to the part.
      const bytes = new Uint8Array(node.content);
      if (bytes[bytes.length - 1] === 0x0a) node.content = node.content.slice(0, bytes.length - 1);
    }
    if (node.content && isUuencoded(node)) {
      const decoded = decodeUuencodedPart(new Uint8Array(node.content));
      node.content = decoded.buffer.slice(decoded.byteOffset, decoded.byteOffset + decoded.byteLength) as ArrayBuffer;
    }
    const inline = node.contentDisposition.parsed.value !== "attachment";
    if (inline && REPORT_TEXT.has(mimeType)) {
      const entry: TextEntry = { type: "text", value: textOf(node) };
      this.reportEntries.add(entry);
      self.addTextEntry(alternative || node, "plain", entry);
    }
    // A forwarded message that has a file name, or that is the whole message, is also kept as the file itself.
    if (inline && mimeType === "message/rfc822" && node.content && (named || !node.parentNode) && self.rfc822NestingDepth < MAX_MESSAGE_DEPTH) {
      self.collectAttachment(node, node.content, related, false);
    }
    // Decoded on demand: a binary attachment is never read as text.
    let text: string | null = null;
    if (inline && mimeType === "text/plain" && isPassThrough(node)) {
      const { text: rest, files } = extractUuencoded(textOf(node));
      text = rest;
      for (const file of files)
        self.attachments.push({ filename: file.filename, mimeType: guessType(file.filename), disposition: "attachment", content: file.content });
    }
    node.getTextContent = () => {
      text ??= textOf(node);
      return text;
    };
    return base.collectNode.call(this, node, alternative, related);
  }

  collectAttachment(node: Node, content: ArrayBuffer, related: boolean, rfc822DepthExceeded: boolean): void {
    const self = this.self;
    base.collectAttachment.call(this, node, content, related, rfc822DepthExceeded);
    const attachment = self.attachments[self.attachments.length - 1];
    if (!attachment) return;
    const params = node.contentDisposition.parsed.params;
    const raw = params.filename || node.contentType.parsed.params.name || params.name || "";
    attachment.filename = raw ? decodeEncodedWords(restoreRawBytes(raw, headerCharset(node))).trim() || null : null;
  }

  buildMessage(): PostalEmail {
    // Restored before postal-mime reads them, so a forwarded message's header block in the body is readable too.
    const root = this.self.root;
    const charset = headerCharset(root);
    for (const header of root.headers) header.value = restoreRawBytes(header.value, charset);
    return base.buildMessage.call(this);
  }

  async collectSubMessage(node: Node): Promise<void> {
    const self = this.self;
    const sub = new GatewayParser(options());
    (sub as unknown as Internals).rfc822NestingDepth = self.rfc822NestingDepth + 1;
    const email = await (sub as unknown as Internals).parse(new Uint8Array(node.content ?? new ArrayBuffer(0)));
    (node as Node & { subMessage?: unknown }).subMessage = email;
    if (email.text || !email.html) self.addTextEntry(node, "plain", { type: "subMessage", value: email });
    if (email.html) self.addTextEntry(node, "html", { type: "subMessage", value: email });
    (sub as unknown as Internals).textMap.forEach((entry, textNode) => {
      self.textMap.set(textNode, entry);
    });
    for (const entry of sub.reportEntries) this.reportEntries.add(entry);
    for (const attachment of email.attachments) self.attachments.push(attachment);
  }
}

function options() {
  return { maxNestingDepth: MAX_PART_DEPTH + 10, maxRfc822NestingDepth: MAX_MESSAGE_DEPTH, attachmentEncoding: "arraybuffer" as const };
}

const TYPES: Record<string, string> = {
  txt: "text/plain",
  pdf: "application/pdf",
  png: "image/png",
  gif: "image/gif",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  zip: "application/zip",
  doc: "application/msword",
  htm: "text/html",
  html: "text/html",
};

function guessType(filename: string): string {
  return TYPES[filename.split(".").pop()?.toLowerCase() ?? ""] ?? "application/octet-stream";
}

function idList(value: string | undefined): string[] {
  if (!value) return [];
  const bracketed = value.match(/<[^<>]*>/g);
  const raw = bracketed ? bracketed.map((id) => id.slice(1, -1)) : value.replace(/\([^()]*\)/g, " ").split(/[\s,]+/);
  return raw.map((id) => id.replace(/\s+/g, "").replace(/^["']|["']$/g, "")).filter(Boolean);
}

function toBytes(content: RawAttachment["content"]): Uint8Array {
  if (typeof content === "string") return new TextEncoder().encode(content);
  if (content instanceof ArrayBuffer) return new Uint8Array(content);
  return new Uint8Array(content.buffer, content.byteOffset, content.byteLength);
}

function emptyMessage(): ParsedMessage {
  return {
    subject: null,
    from: [],
    to: [],
    cc: [],
    replyTo: [],
    date: null,
    messageId: null,
    inReplyTo: [],
    references: [],
    text: "",
    html: "",
    authorText: "",
    authorHtml: "",
    headers: [],
    attachments: [],
  };
}

function fromHeaders(message: ParsedMessage, headers: Array<{ key: string; value: string }>): void {
  const first = (key: string) => headers.find((h) => h.key === key)?.value;
  const all = (key: string): Address[] => headers.filter((h) => h.key === key).flatMap((h) => parseAddressList(h.value));
  message.headers = headers.map((h) => ({ key: h.key, value: h.value }));
  const subject = first("subject");
  message.subject = subject === undefined ? null : decodeEncodedWords(subject);
  message.from = parseAddressList(first("from") ?? "");
  message.to = all("to");
  message.cc = all("cc");
  message.replyTo = all("reply-to");
  message.date = parseDate(first("date"));
  message.messageId = idList(first("message-id"))[0] ?? null;
  message.inReplyTo = idList(first("in-reply-to"));
  message.references = idList(
    headers
      .filter((h) => h.key === "references")
      .map((h) => h.value)
      .join(" "),
  );
}

export async function parseMessage(raw: Uint8Array): Promise<ParsedMessage> {
  const message = emptyMessage();
  try {
    const parser = new GatewayParser(options());
    const email = await (parser as unknown as Internals).parse(raw);
    const root = (parser as unknown as Internals).root;
    fromHeaders(message, root.headers);
    // Anything still escaped (a part's own type or id in raw 8-bit) must not leave as a lone surrogate.
    message.text = restoreRawBytes(email.text ?? "");
    message.html = restoreRawBytes(email.html ?? "");
    message.authorText = restoreRawBytes(parser.authorContent.plain);
    message.authorHtml = restoreRawBytes(parser.authorContent.html);
    message.attachments = email.attachments.map((a): ParsedAttachment => {
      const content = toBytes(a.content);
      const contentId =
        restoreRawBytes(a.contentId ?? "")
          .trim()
          .replace(/^<|>$/g, "") || null;
      return {
        filename: a.filename === null ? null : restoreRawBytes(a.filename),
        mimeType: restoreRawBytes(a.mimeType) || "application/octet-stream",
        disposition: a.disposition === "inline" ? "inline" : "attachment",
        contentId,
        content,
        size: content.byteLength,
      };
    });
  } catch {
    return message;
  }
  return message;
}
