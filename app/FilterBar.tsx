import { useId } from 'react';
import type { Filter, SortOrder } from './catalog';

interface Props {
  filter: Filter;
  /** Every genre; none hides the genre choice. */
  genres: readonly string[];
  /** Whether items have years: without, the sorts by year are hidden. */
  years: boolean;
  onChange: (filter: Filter) => void;
}

const SORTS: { value: SortOrder; label: string; byYear?: true }[] = [
  { value: 'popular', label: 'Most popular' },
  { value: 'title', label: 'Title A–Z' },
  { value: 'newest', label: 'Newest first', byYear: true },
  { value: 'oldest', label: 'Oldest first', byYear: true },
];

/** Genre and sort order for the catalogue grid, each choice only where the catalog has its field. */
export function FilterBar({ filter, genres, years, onChange }: Props) {
  const id = useId();
  return (
    <div className="filters">
      {genres.length > 0 && (
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
      )}
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
          {SORTS.filter((s) => years || !s.byYear).map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
