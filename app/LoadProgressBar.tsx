import type { LoadProgress, LoadStage } from '../src/runtime';
import { formatBytes } from './catalog';

const STAGES: Record<LoadStage, string> = {
  manifest: 'Reading the model description',
  weights: 'Downloading the model',
  backend: 'Starting the compute backend',
  warmup: 'Warming up',
  ready: 'Ready',
};

// Where each stage starts on the bar; the weights take most of it, by bytes.
const START: Record<LoadStage, number> = {
  manifest: 0,
  weights: 0.05,
  backend: 0.85,
  warmup: 0.95,
  ready: 1,
};

export function describeProgress(progress: LoadProgress | null): string {
  if (!progress) return 'Starting';
  const stage =
    progress.stage === 'weights' && progress.cached
      ? 'Reading the saved model'
      : STAGES[progress.stage];
  if (progress.totalBytes === 0) return stage;
  return `${stage}: ${formatBytes(progress.loadedBytes)} of ${formatBytes(progress.totalBytes)}`;
}

function fraction(progress: LoadProgress | null): number {
  if (!progress) return 0;
  if (progress.stage !== 'weights' || progress.totalBytes === 0) return START[progress.stage];
  return (
    START.weights + (START.backend - START.weights) * (progress.loadedBytes / progress.totalBytes)
  );
}

/** The model's loading progress in a line of fixed height: stage, bytes and a bar. */
export function LoadProgressBar({ progress }: { progress: LoadProgress | null }) {
  const label = describeProgress(progress);
  const percent = Math.round(fraction(progress) * 100);
  return (
    <div className="load-progress" data-testid="load-progress">
      <span className="load-progress__label" id="load-progress-label">
        {label}…
      </span>
      <div
        className="load-progress__track"
        role="progressbar"
        aria-labelledby="load-progress-label"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className="load-progress__bar" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
