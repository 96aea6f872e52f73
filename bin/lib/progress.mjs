// Progress of a push on stderr, so stdout stays clean for the summary. On a
// terminal one line is redrawn in place; in a log file or CI (not a TTY)
// carriage returns would be garbage, so each batch gets a line of its own.

const fmt = (n) => Math.round(n).toLocaleString("en-US");

function duration(seconds) {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.ceil(seconds % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

export function createProgress({ stream = process.stderr, quiet = false, width = 30 } = {}) {
  const tty = Boolean(stream.isTTY);
  const started = Date.now();
  let total = 0;
  let done = 0;
  let drawn = false;
  let note = "";

  const write = (text) => {
    if (!quiet) stream.write(text);
  };

  function line() {
    const ratio = total ? Math.min(1, done / total) : 1;
    const filled = Math.round(ratio * width);
    const elapsed = (Date.now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? (total - done) / rate : Infinity;
    const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
    const base = `${bar} ${fmt(done)}/${fmt(total)} ${String(Math.floor(ratio * 100)).padStart(3)}% ${fmt(rate)}/s`;
    return done < total ? `${base} ETA ${duration(eta)}` : base;
  }

  function redraw() {
    write(`\r${line()}${note ? `  ${note}` : ""}\x1b[K`);
    drawn = true;
  }

  return {
    /** More signals to send than first counted (queued while pushing). */
    setTotal(n) {
      total = n;
      if (tty) redraw();
    },
    /** A batch was answered. */
    advance(n, counts) {
      done += n;
      note = "";
      if (tty) redraw();
      else write(`orgo-sync: ${line()} (${fmt(counts.created)} created, ${fmt(counts.duplicate)} duplicate, ${fmt(counts.rejected)} rejected)\n`);
    },
    /** A retry is coming; says why and when. */
    waiting(reason, delayMs) {
      note = `${reason}; retrying in ${(delayMs / 1000).toFixed(1)}s`;
      if (tty) redraw();
      else write(`orgo-sync: ${note}\n`);
    },
    message(text) {
      if (tty && drawn) write("\r\x1b[K");
      write(`${text}\n`);
      if (tty && drawn) redraw();
    },
    end() {
      if (tty && drawn) {
        note = "";
        redraw();
        write("\n");
      }
    },
    elapsedSeconds: () => (Date.now() - started) / 1000,
  };
}
