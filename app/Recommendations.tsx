import { useCallback, useEffect, useRef, useState } from 'react';
import { LoadProgressBar } from './LoadProgressBar';
import { MovieCard, SkeletonCard } from './MovieCard';
import {
  RECOMMENDATION_COUNT,
  type Recommendations as RecommendationsState,
} from './useRecommendations';
import type { RecommenderState } from './useRecommender';

interface Props {
  model: RecommenderState;
  recs: RecommendationsState;
  /** Whether the history is empty (null while unknown): picks the heading before the first answer. */
  historyEmpty: boolean | null;
}

const placeholders = Array.from({ length: RECOMMENDATION_COUNT }, (_, i) => i);

function Chevron({ flip = false }: { flip?: boolean }) {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" className="rail-button__icon">
      <path d={flip ? 'm9 5 7 7-7 7' : 'm15 5-7 7 7 7'} />
    </svg>
  );
}

/**
 * "Recommended for you", or "Popular right now" for an empty history, as one scrollable row. The
 * region keeps its size from the first paint: skeleton cards stand in while the model loads, and
 * under the error message when it failed.
 */
export function Recommendations({ model, recs, historyEmpty }: Props) {
  const latest = recs.latest;
  const popular = latest ? latest.result.source === 'popular' : historyEmpty === true;
  const heading = popular ? 'Popular right now' : 'Recommended for you';
  const failure = model.status === 'error' ? model.message : recs.error;
  const showing = latest !== null && !failure;
  const basedOn = latest?.basedOn.join(' ');

  const rail = useRef<HTMLOListElement>(null);
  const [ends, setEnds] = useState({ start: true, end: true });
  const measure = useCallback(() => {
    const el = rail.current;
    if (!el) return;
    const start = el.scrollLeft <= 1;
    const end = el.scrollLeft + el.clientWidth >= el.scrollWidth - 1;
    setEnds((e) => (e.start === start && e.end === end ? e : { start, end }));
  }, []);
  // A new list starts at its best pick.
  useEffect(() => {
    rail.current?.scrollTo({ left: 0 });
    measure();
  }, [basedOn, showing, measure]);
  useEffect(() => {
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [measure]);
  const scroll = (direction: 1 | -1) => {
    const el = rail.current;
    if (el) el.scrollBy({ left: direction * el.clientWidth * 0.85, behavior: 'smooth' });
  };

  let note: string;
  if (model.status === 'error')
    note = 'Recommendations are unavailable; the catalogue still works.';
  else if (!latest) note = '';
  else if (popular) note = 'Open a movie and this row adapts to you, right here on your device.';
  else {
    const n = latest.result.historyUsed;
    note = `Because of your last ${n === 1 ? 'movie' : `${n} movies`}, computed on this device.`;
  }

  return (
    <section
      className="recs"
      aria-labelledby="recs-heading"
      data-testid="recommendations"
      data-source={latest?.result.source}
      data-based-on={basedOn}
    >
      <div className="recs__head">
        <h2 id="recs-heading">{heading}</h2>
        <div className="rail-controls">
          <button
            type="button"
            className="rail-button"
            aria-label="Scroll the recommendations back"
            disabled={!showing || ends.start}
            onClick={() => scroll(-1)}
          >
            <Chevron />
          </button>
          <button
            type="button"
            className="rail-button"
            aria-label="Scroll the recommendations forward"
            disabled={!showing || ends.end}
            onClick={() => scroll(1)}
          >
            <Chevron flip />
          </button>
        </div>
      </div>
      <div className="recs__live" aria-live="polite" aria-busy={recs.pending || !latest}>
        <div className="recs__note">
          {model.status === 'loading' ? (
            <LoadProgressBar progress={model.progress} />
          ) : (
            <p>{note}</p>
          )}
        </div>
        <div className="recs__body">
          {showing ? (
            <ol
              ref={rail}
              onScroll={measure}
              className={`rail${recs.pending ? ' rail--pending' : ''}${ends.end ? '' : ' rail--more'}`}
              aria-label={heading}
            >
              {latest.result.items.map((r) => (
                <MovieCard key={r.itemId} item={r.item} testId="recommendation" compact />
              ))}
            </ol>
          ) : (
            <ol className="rail" aria-hidden="true">
              {placeholders.map((i) => (
                <SkeletonCard key={i} compact />
              ))}
            </ol>
          )}
          {failure && (
            <div className="recs__error" role="alert" data-testid="model-error">
              <strong>
                {model.status === 'error'
                  ? 'Could not load the recommender.'
                  : 'Could not compute recommendations.'}
              </strong>
              <span className="recs__error-detail">{failure}</span>
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
