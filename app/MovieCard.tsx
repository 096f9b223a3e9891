import { displayTitle, type CatalogItem } from './catalog';
import { Poster } from './Poster';
import { formatPrice, priceOf } from './price';
import { itemHref } from './useRoute';
import { useShop } from './useShops';

interface Props {
  item: CatalogItem;
  testId: string;
  /** Compact cards (recommendations) leave the genres out. */
  compact?: boolean;
}

/** One item as a link to its page, with the display fields its catalog has. */
export function MovieCard({ item, testId, compact = false }: Props) {
  const { currency } = useShop();
  const genres = compact ? [] : (item.genres ?? []);
  const price = priceOf(item);
  const meta = [
    item.year,
    price === null ? undefined : formatPrice(price, currency),
    genres.join(', ') || undefined,
  ].filter((field) => field !== undefined);
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
          {/* A no-break space keeps the line, so cards stay one height without these fields. */}
          <span className="card__meta">{meta.join(' · ') || '\u00a0'}</span>
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
