import { displayTitle, type CatalogItem } from './catalog';
import { Poster } from './Poster';
import { itemHref } from './useRoute';

interface Props {
  item: CatalogItem;
  testId: string;
  /** Compact cards (recommendations) leave the genres out. */
  compact?: boolean;
}

/** One movie as a link to its page. */
export function MovieCard({ item, testId, compact = false }: Props) {
  const genres = item.genres ?? [];
  return (
    <li className={compact ? 'card card--compact' : 'card'}>
      <a
        className="card__link"
        href={itemHref(item.id)}
        data-testid={testId}
        data-item-id={item.id}
      >
        <Poster item={item} />
        <span className="card__body">
          <span className="card__title">{displayTitle(item.title)}</span>
          <span className="card__meta">
            {item.year ?? 'Year unknown'}
            {!compact && genres.length > 0 && (
              <>
                <span aria-hidden="true"> · </span>
                <span className="card__genres">{genres.join(', ')}</span>
              </>
            )}
          </span>
        </span>
      </a>
    </li>
  );
}

/** A placeholder of the same size as a card, while data loads. */
export function SkeletonCard({ compact = false }: { compact?: boolean }) {
  return (
    <li className={compact ? 'card card--compact card--skeleton' : 'card card--skeleton'}>
      <div className="card__link" aria-hidden="true">
        <div className="poster poster--card poster--skeleton" />
        <span className="card__body">
          <span className="card__title">
            <span className="skeleton-line" />
          </span>
          <span className="card__meta">
            <span className="skeleton-line skeleton-line--short" />
          </span>
        </span>
      </div>
    </li>
  );
}
