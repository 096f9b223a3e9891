import { useId } from 'react';
import type { Filter, SortOrder } from './catalog';

interface Props {
  filter: Filter;
  genres: readonly string[];
  onChange: (filter: Filter) => void;
}

const SORTS: { value: SortOrder; label: string }[] = [
  { value: 'popular', label: 'Most popular' },
  { value: 'title', label: 'Title A–Z' },
  { value: 'newest', label: 'Newest first' },
  { value: 'oldest', label: 'Oldest first' },
];

/** Genre and sort order for the catalogue grid. */
export function FilterBar({ filter, genres, onChange }: Props) {
  const id = useId();
  return (
    <div className="filters">
      <div className="field">
        <label className="field__label" htmlFor={`${id}-genre`}>
          Genre
        </label>
        <select
          id={`${id}-genre`}
          className="field__control"
          value={filter.genre}
          onChange={(e) => onChange({ ...filter, genre: e.target.value })}
        >
          <option value="">All genres</option>
          {genres.map((genre) => (
            <option key={genre} value={genre}>
              {genre}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-sort`}>
          Sort
        </label>
        <select
          id={`${id}-sort`}
          className="field__control"
          value={filter.sort}
          onChange={(e) => onChange({ ...filter, sort: e.target.value as SortOrder })}
        >
          {SORTS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
