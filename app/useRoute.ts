import { useEffect, useState } from 'react';

/** The storefront's pages, addressed by the URL hash so back/forward and reload work. */
export type Route = { page: 'home' } | { page: 'item'; id: string };

export function parseHash(hash: string): Route {
  const match = /^#\/item\/([^/?#]+)$/.exec(hash);
  if (match) {
    try {
      return { page: 'item', id: decodeURIComponent(match[1]) };
    } catch {
      // A malformed escape: fall through to the home page.
    }
  }
  return { page: 'home' };
}

export const itemHref = (id: string): string => `#/item/${encodeURIComponent(id)}`;
export const HOME_HREF = '#/';

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
