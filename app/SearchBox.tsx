import { useShop } from './useShops';

interface Props {
  value: string;
  onChange: (value: string) => void;
}

/** Title search in the header; typing on an item page returns to the catalogue (App decides). */
export function SearchBox({ value, onChange }: Props) {
  const { noun } = useShop();
  return (
    <form className="search" role="search" onSubmit={(e) => e.preventDefault()}>
      <label htmlFor="search-input" className="visually-hidden">
        Search {noun.many} by title
      </label>
      <svg className="search__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <circle cx="11" cy="11" r="7" />
        <path d="m20 20-4-4" />
      </svg>
      <input
        id="search-input"
        className="search__input"
        type="search"
        placeholder={`Search ${noun.many}`}
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </form>
  );
}
