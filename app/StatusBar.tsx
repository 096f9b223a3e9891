import type { ReactNode } from 'react';
import type { HistoryStorageInfo, RecommendResult } from '../src/runtime';
import { formatBytes, formatCompact } from './catalog';
import { describeProgress } from './LoadProgressBar';
import type { RecommenderState } from './useRecommender';

interface Props {
  model: RecommenderState;
  last: RecommendResult | null;
  storage: HistoryStorageInfo | null;
}

const millis = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

/** One quiet line about the machinery: backend, model size, last latency, history storage. */
export function StatusBar({ model, last, storage }: Props) {
  let engine: ReactNode;
  if (model.status === 'loading') {
    engine = (
      <span className="status__loading">
        Model: {describeProgress(model.progress).toLowerCase()}…
      </span>
    );
  } else if (model.status === 'error') {
    engine = <span className="status__bad">Model: not loaded</span>;
  } else {
    const { info } = model.recommender;
    const used = info.backends.find((b) => b.name === info.backend && b.status === 'used');
    engine = (
      <>
        <span title={used?.detail}>
          Backend: <strong data-testid="status-backend">{last?.backend ?? info.backend}</strong>
          {info.worker ? (
            ' in a worker'
          ) : info.workerFailure ? (
            <span title={info.workerFailure} data-testid="status-main-thread">
              {' '}
              on the page (no worker: {info.workerFailure})
            </span>
          ) : null}
        </span>
        <span>
          Model: {formatBytes(info.weightBytes)}
          {info.itemTableBytes > 0 ? ` + item table ${formatBytes(info.itemTableBytes)}` : ''},{' '}
          {formatCompact(info.parameters)} parameters
        </span>
        <span>
          Last recommendation:{' '}
          {last ? <span data-testid="status-millis">{millis.format(last.millis)} ms</span> : '–'}
        </span>
      </>
    );
  }
  return (
    <div className="status" data-testid="status-bar">
      <div className="status__inner">
        <span className="status__device">
          <span className="status__dot" aria-hidden="true" />
          On-device
        </span>
        {engine}
        <span>
          History:{' '}
          {storage === null
            ? '…'
            : storage.storage === 'indexeddb'
              ? 'IndexedDB'
              : `memory only (${storage.reason ?? 'IndexedDB unavailable'})`}
        </span>
      </div>
    </div>
  );
}
