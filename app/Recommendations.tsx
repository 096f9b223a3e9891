import { useCallback, useEffect, useRef, useState } from 'react';
import { displayTitle } from './catalog';
import { LoadProgressBar } from './LoadProgressBar';
import { MovieCard, SkeletonCard } from './MovieCard';
import {
  RECOMMENDATION_COUNT,
  type Recommendations as RecommendationsState,
} from './useRecommendations';
import type { RecommenderState } from './useRecommender';
import { useShop } from './useShops';

interface Props {
  model: RecommenderState;
  recs: RecommendationsState;
  /** Whether the history is empty (null while unknown): picks the heading before the first answer. */
  historyEmpty: boolean | null;
  /** The title of the item whose "more like this" the row shows, instead of the history's picks. */
  moreLike?: string;
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
 * "Recommended for you", or "Popular right now" for an empty history, as one scrollable row; or,
 * for an item, "More like this". The region keeps its size from the first paint: skeleton cards
 * stand in while the model loads, and under the error message when it failed.
 */
export function Recommendations({ model, recs, historyEmpty, moreLike }: Props) {
  const { noun } = useShop();
  const kind = moreLike === undefined ? 'recs' : 'similar';
  const latest = recs.latest;
  const popular = latest ? latest.result.source === 'popular' : historyEmpty === true;
  const heading = popular
    ? 'Popular right now'
    : kind === 'recs'
      ? 'Recommended for you'
      : 'More like this';
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
  else if (moreLike !== undefined) {
    note = popular
      ? `The model does not know this ${noun.one} yet: popular picks instead.`
      : `What the model expects after ${displayTitle(moreLike)}, computed on this device.`;
  } else if (popular) {
    note = `Open a ${noun.one} and this row adapts to you, right here on your device.`;
  } else {
    const n = latest.result.historyUsed;
    note = `Because of your last ${n === 1 ? noun.one : `${n} ${noun.many}`}, computed on this device.`;
  }

  return (
    <section
      className="recs"
      aria-labelledby={`${kind}-heading`}
      data-testid={kind === 'recs' ? 'recommendations' : 'more-like-this'}
      data-source={latest?.result.source}
      data-based-on={basedOn}
    >
      <div className="recs__head">
        <h2 id={`${kind}-heading`}>{heading}</h2>
        <div className="rail-controls">
          <button
            type="button"
            className="rail-button"
            aria-label={`Scroll “${heading}” back`}
            disabled={!showing || ends.start}
            onClick={() => scroll(-1)}
          >
            <Chevron />
          </button>
          <button
            type="button"
            className="rail-button"
            aria-label={`Scroll “${heading}” forward`}
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
              {latest.result.items.map(
                (r) =>
                  // An item without display fields (the catalogue failed: said above) is left out.
                  r.item && (
                    <MovieCard
                      key={r.itemId}
                      item={r.item}
                      testId={kind === 'recs' ? 'recommendation' : 'similar'}
                      compact
                    />
                  ),
              )}
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
