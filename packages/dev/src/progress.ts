/** A one-line progress bar on a terminal stream (a plain line per update elsewhere, throttled). */
export const progressBar = (out: NodeJS.WriteStream, width = 30) => {
  const started = Date.now();
  let last = 0;
  const tty = out.isTTY === true;
  return {
    update(done: number, total: number, label: string) {
      const now = Date.now();
      if (now - last < (tty ? 100 : 2_000)) return;
      last = now;
      const share = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(share * width);
      const rate = Math.round(done / Math.max(0.001, (now - started) / 1_000));
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label}  (${rate}/s)`;
      out.write(tty ? `\r${line}` : `${line}\n`);
    },
    done() {
      if (tty) out.write('\n');
    },
  };
};
