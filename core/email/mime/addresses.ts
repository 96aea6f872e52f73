/**
 * RFC 5322 address lists as mail really writes them: groups, nested comments, quoted and encoded
 * display names, a comment as the only name ("a@x (Ann)"), addresses without angle brackets and lists
 * without commas. One linear pass over the tokens; never throws.
 */
import type { Address, Mailbox } from "./parsed-message";
import { decodeEncodedWords } from "./encoded-words";

type Kind = "atom" | "quoted" | "comment" | "angle" | "," | ";" | ":";
interface Token {
  kind: Kind;
  value: string;
  spaced: boolean;
}

function readComment(s: string, start: number): [string, number] {
  let depth = 0;
  let out = "";
  let i = start;
  for (; i < s.length; i++) {
    const c = s.charAt(i);
    if (c === "\\" && i + 1 < s.length) {
      out += s.charAt(++i);
      continue;
    }
    if (c === "(") {
      if (depth++ > 0) out += c;
    } else if (c === ")") {
      if (--depth === 0) return [out, i + 1];
      out += c;
    } else out += c;
  }
  return [out, i];
}

function readQuoted(s: string, start: number): [string, number] {
  let out = "";
  let i = start + 1;
  for (; i < s.length; i++) {
    const c = s.charAt(i);
    if (c === "\\" && i + 1 < s.length) out += s.charAt(++i);
    else if (c === '"') return [out, i + 1];
    else out += c;
  }
  return [out, i];
}

// Inside <...> only the addr-spec matters: comments and folding whitespace go, quoted local parts stay.
function readAngle(s: string, start: number): [string, number] {
  let out = "";
  let i = start + 1;
  while (i < s.length) {
    const c = s.charAt(i);
    if (c === ">") return [out, i + 1];
    if (c === "(") [, i] = readComment(s, i);
    else if (c === '"') {
      const [q, next] = readQuoted(s, i);
      out += /[\s"\\(),:;<>@[\]]/.test(q) ? `"${q.replace(/(["\\])/g, "\\$1")}"` : q;
      i = next;
    } else {
      if (!/\s/.test(c)) out += c;
      i++;
    }
  }
  return [out, i];
}

function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let spaced = false;
  let i = 0;
  while (i < s.length) {
    const c = s.charAt(i);
    if (c === " " || c === "\t" || c === "\r" || c === "\n") {
      spaced = true;
      i++;
      continue;
    }
    let value = "";
    let kind: Kind;
    if (c === "(") {
      kind = "comment";
      [value, i] = readComment(s, i);
    } else if (c === '"') {
      kind = "quoted";
      [value, i] = readQuoted(s, i);
    } else if (c === "<") {
      kind = "angle";
      [value, i] = readAngle(s, i);
    } else if (c === "," || c === ";" || c === ":") {
      kind = c;
      i++;
    } else {
      kind = "atom";
      const start = i;
      while (i < s.length && !/[\s"(),:;<]/.test(s.charAt(i))) {
        if (s.charAt(i) === "[") {
          const end = s.indexOf("]", i);
          i = end < 0 ? s.length : end + 1;
        } else i++;
      }
      // A stray '>' or an address literal's ':' would otherwise stall the loop.
      if (i === start) i++;
      if (/^mailto$/i.test(s.slice(start, i)) && s.charAt(i) === ":") i++;
      value = s.slice(start, i).replace(/>/g, "");
    }
    tokens.push({ kind, value, spaced });
    spaced = false;
  }
  return tokens;
}

function cleanAddress(address: string): string {
  return address
    .replace(/^mailto:/i, "")
    .replace(/^[<'"]+|[>'".,]+$/g, "")
    .trim();
}

interface Pending {
  words: Token[];
  comments: string[];
  address: string | null;
}

const empty = (): Pending => ({ words: [], comments: [], address: null });

function phrase(words: Token[]): string {
  let out = "";
  for (const w of words) out += (out && (w.spaced || w.kind === "quoted") ? " " : "") + w.value;
  return decodeEncodedWords(out).replace(/\s+/g, " ").trim();
}

function toMailbox(p: Pending): Mailbox | null {
  let words = p.words;
  let address = p.address;
  if (address === null) {
    // No angle brackets: the last bare word with an '@' is the address, what precedes it the name.
    let at = -1;
    for (let i = words.length - 1; i >= 0; i--) {
      const word = words[i] as Token;
      if (word.kind === "atom" && word.value.includes("@")) {
        at = i;
        break;
      }
    }
    if (at >= 0) {
      // "pete(his account)@silly.test": atoms glued to the address word belong to it.
      let start = at;
      while (start > 0 && !(words[start] as Token).spaced && (words[start - 1] as Token).kind !== "quoted") start--;
      address = words
        .slice(start, at + 1)
        .map((w) => w.value)
        .join("");
      words = [...words.slice(0, start), ...words.slice(at + 1)];
    } else if (words.length === 1 && words[0]?.kind === "atom" && !p.comments.length) {
      address = words[0].value;
      words = [];
    }
  }
  if (address === null && !words.length) return null;
  let name = phrase(words);
  const comment = p.comments[p.comments.length - 1];
  if (!name && comment) name = decodeEncodedWords(comment).replace(/\s+/g, " ").trim();
  const cleaned = cleanAddress(address ?? "");
  if (!cleaned && !name) return null;
  return { name, address: cleaned };
}

export function parseAddressList(value: string): Address[] {
  const out: Address[] = [];
  let group: { name: string; group: Mailbox[] } | null = null;
  let p = empty();
  const flush = () => {
    const box = toMailbox(p);
    if (box) (group ? group.group : (out as Address[])).push(box);
    p = empty();
  };
  const closeGroup = () => {
    if (group) out.push(group);
    group = null;
  };
  for (const t of tokenize(value)) {
    switch (t.kind) {
      case "comment":
        p.comments.push(t.value);
        break;
      case "angle":
        if (p.address !== null) flush();
        p.address = t.value;
        break;
      case ",":
        flush();
        break;
      case ";":
        flush();
        closeGroup();
        break;
      case ":":
        if (!group && p.address === null) {
          group = { name: phrase(p.words), group: [] };
          p = empty();
        } else p.words.push({ kind: "atom", value: ":", spaced: false });
        break;
      default:
        if (p.address !== null) flush();
        p.words.push(t);
    }
  }
  flush();
  closeGroup();
  return out;
}
