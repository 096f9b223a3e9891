/** A one-line progress display (training, or other long work): a redrawn bar on a terminal, periodic lines otherwise. */
export interface ProgressState {
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number;
}

export class ProgressBar {
  private started = 0;
  /** Steps done before startEpoch (a resumed epoch's), left out of the speed. */
  private before = 0;
  private lastLine = 0;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly lineEveryMs = 10_000,
  ) {}

  /** Starts timing; `done` steps of the epoch were done before (a resumed epoch's). */
  startEpoch(done = 0): void {
    this.started = performance.now();
    this.before = done;
  }

  update(s: ProgressState): void {
    this.draw(
      `epoch ${s.epoch}/${s.epochs}`,
      s.step,
      s.steps,
      `step ${s.step}/${s.steps} loss ${s.loss.toFixed(4)} `,
      'steps',
    );
  }

  /** Other long work after startEpoch: `label [####....] done/total <unit> ... ETA`. */
  progress(label: string, done: number, total: number, unit: string): void {
    this.draw(label, done, total, `${done}/${total} ${unit} `, unit);
  }

  private draw(label: string, step: number, steps: number, counted: string, unit: string): void {
    const elapsed = (performance.now() - this.started) / 1000;
    const speed = (step - this.before) / Math.max(elapsed, 1e-9);
    const eta = (steps - step) / Math.max(speed, 1e-9);
    const width = 24;
    const filled = Math.round((width * step) / steps);
    const text =
      `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` +
      `${counted}${speed.toFixed(2)} ${unit}/s ` +
      `ETA ${formatDuration(eta)}`;
    if (this.out.isTTY) {
      this.out.write(`\r${text}\x1b[K`);
    } else if (step === steps || performance.now() - this.lastLine >= this.lineEveryMs) {
      this.out.write(`${text}\n`);
      this.lastLine = performance.now();
    }
  }

  /** Ends the bar's line and prints a message under it. */
  log(message: string): void {
    this.out.write(`${this.out.isTTY ? '\r\x1b[K' : ''}${message}\n`);
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
