/**
 * The score harness's adapter (../shared/email-corpora/score): the gateway's own parsing and
 * cleaning, unchanged, so what is scored is what runs.
 */
import { visibleHtml, visibleText } from "../core/email/clean";
import { parseMessage } from "../core/email/mime/parse";

export { visibleHtml, visibleText };

export async function parse(raw: Uint8Array) {
  const m = await parseMessage(raw);
  return { ...m, date: m.date ?? null };
}
