import { useEffect, useRef } from 'react';
import { displayTitle, formatCount, type Catalog } from './catalog';
import { Poster } from './Poster';
import { formatPrice, priceOf } from './price';
import { HOME_HREF } from './useRoute';
import { useShop } from './useShops';

interface Props {
  id: string;
  catalog: Catalog | null;
  catalogError: string | null;
  /** How often this item is in the history. */
  views: number;
  onGenre: (genre: string) => void;
}

/**
 * One item: title, popularity rank, and the year, price and genres where the catalog has them. Its
 * heading takes focus on navigation.
 */
export function ItemPage({ id, catalog, catalogError, views, onGenre }: Props) {
  const { noun, currency } = useShop();
  const heading = useRef<HTMLHeadingElement>(null);
  const item = catalog?.byId.get(id);
  const ready = catalog !== null || catalogError !== null;

  useEffect(() => {
    window.scrollTo({ top: 0 });
    heading.current?.focus({ preventScroll: true });
  }, [id, ready]);

  const crumbs = (
    <nav aria-label="Breadcrumb" className="crumbs">
      <a href={HOME_HREF}>All {noun.many}</a>
      <span aria-hidden="true"> / </span>
      <span aria-current="page">{item ? displayTitle(item.title) : id}</span>
    </nav>
  );

  if (!catalog) {
    return (
      <article className="item item--loading" aria-busy={!catalogError}>
        {crumbs}
        <div className="item__layout">
          <div className="poster poster--large poster--skeleton" aria-hidden="true" />
          <div className="item__details">
            <h1 ref={heading} tabIndex={-1}>
              {catalogError ? 'The catalogue could not be loaded' : 'Loading…'}
            </h1>
            {catalogError && <p className="notice notice--error">{catalogError}</p>}
          </div>
        </div>
      </article>
    );
  }

  if (!item) {
    return (
      <article className="item">
        {crumbs}
        <h1 ref={heading} tabIndex={-1}>
          Not found
        </h1>
        <p>
          There is no {noun.one} with the id “{id}” in this shop.{' '}
          <a href={HOME_HREF}>Browse all {noun.many}</a>.
        </p>
      </article>
    );
  }

  const rank = catalog.items.indexOf(item) + 1;
  const genres = item.genres ?? [];
  const price = priceOf(item);
  return (
    <article className="item" data-testid="item-page" data-item-id={item.id}>
      {crumbs}
      <div className="item__layout">
        <Poster item={item} size="large" />
        <div className="item__details">
          <h1 ref={heading} tabIndex={-1} className="item__title">
            {displayTitle(item.title)}
          </h1>
          <dl className="facts">
            {item.year !== undefined && (
              <div>
                <dt>Year</dt>
                <dd>{item.year}</dd>
              </div>
            )}
            {price !== null && (
              <div>
                <dt>Price</dt>
                <dd data-testid="item-price">{formatPrice(price, currency)}</dd>
              </div>
            )}
            <div>
              <dt>Popularity</dt>
              <dd>
                #{formatCount(rank)} of {formatCount(catalog.items.length)}
              </dd>
            </div>
            <div>
              <dt>Viewed</dt>
              <dd>{views === 1 ? 'once' : `${views} times`}</dd>
            </div>
          </dl>
          {/* A catalog without genres (a shop's products) shows no genre line at all. */}
          {genres.length > 0 ? (
            <ul className="chips" aria-label="Genres">
              {genres.map((genre) => (
                <li key={genre}>
                  <button type="button" className="chip" onClick={() => onGenre(genre)}>
                    {genre}
                    <span className="visually-hidden">: browse the genre</span>
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            catalog.genres.length > 0 && <p className="muted">No genres listed.</p>
          )}
        </div>
      </div>
    </article>
  );
}
