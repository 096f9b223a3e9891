import type { Shop } from './shops';

interface Props {
  shops: readonly Shop[];
  shop: Shop;
  onSwitch: (shop: Shop) => void;
}

/** Which shop (which model) the page shows; hidden while there is only one. */
export function ShopSwitch({ shops, shop, onSwitch }: Props) {
  if (shops.length < 2) return null;
  return (
    <div className="field shop-switch">
      <label className="field__label" htmlFor="shop-switch">
        Shop
      </label>
      <select
        id="shop-switch"
        className="field__control"
        value={shop.name}
        onChange={(e) => onSwitch(shops.find((s) => s.name === e.target.value) ?? shop)}
      >
        {shops.map((s) => (
          <option key={s.name} value={s.name}>
            {s.title}
          </option>
        ))}
      </select>
    </div>
  );
}
