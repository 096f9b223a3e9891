import type { CSSProperties } from 'react';
import { hueOf, initials, type CatalogItem } from './catalog';

/** A generated poster: the title's initials on a colour of its own. Decorative. */
export function Poster({ item, size = 'card' }: { item: CatalogItem; size?: 'card' | 'large' }) {
  const style = { '--hue': hueOf(item.id) } as CSSProperties;
  return (
    <div className={`poster poster--${size}`} style={style} aria-hidden="true">
      <span className="poster__initials">{initials(item.title)}</span>
      {item.year !== undefined && <span className="poster__year">{item.year}</span>}
    </div>
  );
}
