import { createContext, useContext, useEffect, useState } from 'react';
import { chooseShop, fetchShops, shopHref, type Shop } from './shops';

export type ShopsState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; shops: readonly Shop[]; shop: Shop; unknown: string | null };

// One fetch per page: React's StrictMode mounts effects twice.
let listing: Promise<Shop[]> | null = null;

/**
 * The shop list and the shop the URL asks for (`?shop=`), following back and forward between
 * shops. `switchTo` changes shop without reloading the page.
 */
export function useShops(): { state: ShopsState; switchTo: (shop: Shop) => void } {
  const [shops, setShops] = useState<readonly Shop[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState(() => location.search);
  useEffect(() => {
    let live = true;
    listing ??= fetchShops();
    listing.then(
      (list) => live && setShops(list),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    const onPop = () => setSearch(location.search);
    window.addEventListener('popstate', onPop);
    return () => {
      live = false;
      window.removeEventListener('popstate', onPop);
    };
  }, []);
  const switchTo = (shop: Shop) => {
    history.pushState(null, '', shopHref(shop));
    setSearch(location.search);
  };
  let state: ShopsState;
  if (error !== null) state = { status: 'error', message: error };
  else if (shops === null) state = { status: 'loading' };
  else state = { status: 'ready', shops, ...chooseShop(shops, search) };
  return { state, switchTo };
}

export const ShopContext = createContext<Shop | null>(null);

/** The shop on show, for wording and prices deep in the page. */
export function useShop(): Shop {
  const shop = useContext(ShopContext);
  if (!shop) throw new Error('useShop() outside a <ShopContext> provider');
  return shop;
}
