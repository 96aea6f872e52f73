/**
 * A plain <textarea> with a line-number gutter. Lines with problems are marked
 * in the gutter (colour and a sign); `jump` moves the caret to a line.
 */
import { useImperativeHandle, useRef } from "preact/hooks";
import type { Ref } from "preact";

export interface CodeEditorHandle {
  jump: (line: number, column?: number | null) => void;
}

interface Props {
  id: string;
  value: string;
  onInput: (value: string) => void;
  /** 1-based line numbers to mark. */
  marked: ReadonlySet<number>;
  readOnly?: boolean;
  describedBy?: string;
  handle?: Ref<CodeEditorHandle>;
}

export function CodeEditor({ id, value, onInput, marked, readOnly, describedBy, handle }: Props) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lines = value.split("\n");

  useImperativeHandle(
    handle ?? null,
    () => ({
      jump(line, column) {
        const el = area.current;
        if (!el) return;
        const all = el.value.split("\n");
        const index = Math.min(Math.max(line, 1), all.length) - 1;
        let start = 0;
        for (let i = 0; i < index; i++) start += (all[i]?.length ?? 0) + 1;
        const length = all[index]?.length ?? 0;
        const caret = start + Math.min(Math.max((column ?? 1) - 1, 0), length);
        el.focus();
        el.setSelectionRange(caret, start + length);
        const lineHeight = Number.parseFloat(getComputedStyle(el).lineHeight) || 20;
        el.scrollTop = Math.max(0, index * lineHeight - el.clientHeight / 3);
        if (gutter.current) gutter.current.scrollTop = el.scrollTop;
      },
    }),
    [],
  );

  const follow = () => {
    if (gutter.current && area.current) gutter.current.scrollTop = area.current.scrollTop;
  };

  return (
    <div class="code-editor">
      <div class="code-gutter" ref={gutter} aria-hidden="true">
        {lines.map((_, i) => {
          const n = i + 1;
          const bad = marked.has(n);
          return (
            <div key={n} class={bad ? "gutter-line problem" : "gutter-line"}>
              {bad ? "⚠ " : ""}
              {n}
            </div>
          );
        })}
      </div>
      <textarea
        id={id}
        ref={area}
        class="code-text"
        value={value}
        readOnly={readOnly}
        spellcheck={false}
        autocomplete="off"
        autocapitalize="off"
        wrap="off"
        aria-invalid={marked.size > 0 ? "true" : undefined}
        aria-describedby={describedBy}
        onInput={(e) => onInput((e.target as HTMLTextAreaElement).value)}
        onScroll={follow}
      />
    </div>
  );
}
