import { useDeferredValue, useMemo, useState } from 'react';
import { filterItems, formatCount, NO_FILTER, type Catalog, type Filter } from './catalog';
import { FilterBar } from './FilterBar';
import { MovieCard, SkeletonCard } from './MovieCard';
import { useShop } from './useShops';

export const PAGE_SIZE = 48;

interface Props {
  /** null while the catalogue loads. */
  catalog: Catalog | null;
  catalogError: string | null;
  filter: Filter;
  onFilterChange: (filter: Filter) => void;
}

const placeholders = Array.from({ length: 12 }, (_, i) => i);

/** The catalogue: genre and sort, a result count, and the first 48 matches with "Show more". */
export function ProductGrid({ catalog, catalogError, filter, onFilterChange }: Props) {
  const { noun } = useShop();
  // Sorting by year only where the catalog has years.
  const years = useMemo(
    () => catalog?.items.some((item) => item.year !== undefined) ?? false,
    [catalog],
  );
  // Typing stays responsive: the 9.7k-item filter runs at a lower priority.
  const deferred = useDeferredValue(filter);
  const matches = useMemo(
    () => (catalog ? filterItems(catalog.items, deferred) : []),
    [catalog, deferred],
  );
  const filterKey = `${deferred.query}\u0000${deferred.genre}\u0000${deferred.sort}`;
  const [shown, setShown] = useState({ key: filterKey, count: PAGE_SIZE });
  const count = shown.key === filterKey ? shown.count : PAGE_SIZE;
  const visible = matches.slice(0, count);
  const filtered =
    deferred.query.trim() !== '' || deferred.genre !== '' || deferred.sort !== NO_FILTER.sort;

  return (
    <section className="catalog" aria-labelledby="catalog-heading">
      <div className="section-head section-head--wrap">
        <h2 id="catalog-heading">All {noun.many}</h2>
        <FilterBar
          filter={filter}
          genres={catalog?.genres ?? []}
          years={years}
          onChange={onFilterChange}
        />
      </div>
      <p className="catalog__count" role="status" data-testid="result-count">
        {catalog
          ? matches.length === 0
            ? `No ${noun.many} match.`
            : `Showing ${formatCount(visible.length)} of ${formatCount(matches.length)} ${
                matches.length === 1 ? noun.one : noun.many
              }`
          : catalogError
            ? ''
            : 'Loading the catalogue…'}
      </p>
      {catalogError && (
        <p className="notice notice--error" role="alert">
          The catalogue could not be loaded: {catalogError}
        </p>
      )}
      {catalog && matches.length === 0 && filtered && (
        <p className="notice">
          Nothing found
          {deferred.query.trim() !== '' && (
            <>
              {' '}
              for “<strong>{deferred.query.trim()}</strong>”
            </>
          )}
          {deferred.genre !== '' && <> in {deferred.genre}</>}.{' '}
          <button type="button" className="link-button" onClick={() => onFilterChange(NO_FILTER)}>
            Clear the filters
          </button>
        </p>
      )}
      <ul className="product-grid" data-testid="product-grid">
        {catalog
          ? visible.map((item) => <MovieCard key={item.id} item={item} testId="product" />)
          : !catalogError && placeholders.map((i) => <SkeletonCard key={i} />)}
      </ul>
      {visible.length < matches.length && (
        <div className="catalog__more">
          <button
            type="button"
            className="button"
            onClick={() => setShown({ key: filterKey, count: count + PAGE_SIZE })}
          >
            Show {formatCount(Math.min(PAGE_SIZE, matches.length - visible.length))} more
          </button>
        </div>
      )}
    </section>
  );
}
