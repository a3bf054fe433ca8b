/** Progress bars on stderr (only when it is a terminal; CI logs get a line per phase). */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number, label?: string): void;
  stop(): void;
}

export function progressBar(title: string): Progress {
  if (!process.stderr.isTTY) {
    let lastPct = -1;
    return {
      update(done, total, label) {
        const pct = total ? Math.floor((done / total) * 10) * 10 : 100;
        if (pct !== lastPct) {
          lastPct = pct;
          process.stderr.write(`${title}${label ? ` ${label}` : ''}: ${done}/${total} (${pct}%)\n`);
        }
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${title} {label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} | eta {eta_formatted}`, hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, label = '') {
      if (!started) {
        bar.start(total, done, { label });
        started = true;
      }
      bar.setTotal(total);
      bar.update(done, { label });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
