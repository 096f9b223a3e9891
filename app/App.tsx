import { useEffect, useState } from 'react';
import { displayTitle, fetchCatalog, NO_FILTER, type Catalog, type Filter } from './catalog';
import { HistoryPanel } from './HistoryPanel';
import { ItemPage } from './ItemPage';
import { ProductGrid } from './ProductGrid';
import { Recommendations } from './Recommendations';
import { SearchBox } from './SearchBox';
import type { Shop } from './shops';
import { ShopSwitch } from './ShopSwitch';
import { StatusBar } from './StatusBar';
import { recordVisit, useHistory } from './useHistory';
import { useMoreLikeThis, useRecommendations } from './useRecommendations';
import { useRecommender } from './useRecommender';
import { HOME_HREF, useRoute } from './useRoute';

function useCatalog(modelUrl: string): { catalog: Catalog | null; error: string | null } {
  const [state, setState] = useState<{ catalog: Catalog | null; error: string | null }>({
    catalog: null,
    error: null,
  });
  useEffect(() => {
    let live = true;
    fetchCatalog(modelUrl).then(
      (catalog) => live && setState({ catalog, error: null }),
      (e: unknown) => live && setState({ catalog: null, error: String((e as Error).message ?? e) }),
    );
    return () => {
      live = false;
    };
  }, [modelUrl]);
  return state;
}

interface Props {
  /** The shop on show: its model, catalog and history. */
  shop: Shop;
  shops: readonly Shop[];
  onSwitch: (shop: Shop) => void;
}

/** One shop: its catalogue, its recommendations and its own click history. */
export function App({ shop, shops, onSwitch }: Props) {
  const route = useRoute();
  const { catalog, error: catalogError } = useCatalog(shop.model);
  const model = useRecommender(shop.model);
  const { store, events } = useHistory(shop.historyDb);
  const recommender = model.status === 'ready' ? model.recommender : null;
  const recs = useRecommendations(recommender, store, events);
  const [filter, setFilter] = useState<Filter>(NO_FILTER);

  // Opening an item is a click: recorded once the history is open and the item is known.
  const itemId = route.page === 'item' ? route.id : null;
  const known = itemId !== null && catalog?.byId.has(itemId) === true;
  useEffect(() => {
    if (store && itemId !== null && known) recordVisit(store, itemId)?.catch(console.error);
  }, [store, itemId, known, route]);
  const similar = useMoreLikeThis(recommender, known ? itemId : null);

  const itemTitle = itemId !== null ? catalog?.byId.get(itemId)?.title : undefined;
  useEffect(() => {
    document.title = itemTitle
      ? `${displayTitle(itemTitle)} · ${shop.title}`
      : `${shop.title} · on-device ${shop.noun.one} recommendations`;
  }, [itemTitle, shop]);

  const goHome = () => {
    if (route.page !== 'home') location.hash = HOME_HREF;
  };
  const search = (query: string) => {
    setFilter((f) => ({ ...f, query }));
    goHome();
  };
  const browseGenre = (genre: string) => {
    setFilter({ ...NO_FILTER, genre });
    goHome();
  };
  const skipToContent = () => document.getElementById('main')?.focus();
  const views = itemId === null ? 0 : (events?.filter((e) => e.itemId === itemId).length ?? 0);

  return (
    <div className="shell">
      <button type="button" className="skip-link" onClick={skipToContent}>
        Skip to content
      </button>
      <header className="site-header">
        <div className="site-header__inner">
          <a className="brand" href={HOME_HREF}>
            <span className="brand__mark" aria-hidden="true">
              ▶
            </span>
            <span className="brand__name">{shop.title}</span>
          </a>
          <SearchBox value={filter.query} onChange={search} />
          <ShopSwitch shops={shops} shop={shop} onSwitch={onSwitch} />
        </div>
      </header>
      <StatusBar model={model} last={recs.latest?.result ?? null} storage={store?.info ?? null} />
      <div className="layout">
        <main id="main" tabIndex={-1} className="layout__main">
          {route.page === 'item' ? (
            <>
              <ItemPage
                id={route.id}
                catalog={catalog}
                catalogError={catalogError}
                views={views}
                onGenre={browseGenre}
              />
              <Recommendations
                model={model}
                recs={recs}
                historyEmpty={events ? events.length === 0 : null}
              />
              {itemTitle !== undefined && (
                <Recommendations
                  model={model}
                  recs={similar}
                  historyEmpty={false}
                  moreLike={itemTitle}
                />
              )}
            </>
          ) : (
            <>
              <div className="hero">
                <h1>Find your next {shop.noun.one}</h1>
                <p>
                  Picks that follow your clicks, computed by a small neural network running in this
                  browser. Your history never leaves the device.
                </p>
              </div>
              <Recommendations
                model={model}
                recs={recs}
                historyEmpty={events ? events.length === 0 : null}
              />
              <ProductGrid
                catalog={catalog}
                catalogError={catalogError}
                filter={filter}
                onFilterChange={setFilter}
              />
            </>
          )}
        </main>
        <HistoryPanel store={store} events={events} catalog={catalog} />
      </div>
      <footer className="site-footer">
        <p>
          {shop.credit && `${shop.credit} `}Recommendations by a compressed CpRec model running on
          your device; no click is ever sent anywhere.
        </p>
      </footer>
    </div>
  );
}
