import { App } from './App';
import { ShopContext, useShops } from './useShops';

/**
 * The storefront over the shop the URL asks for (`?shop=`, from public/models/index.json). A shop
 * switch mounts a fresh App: catalogue, model, history and route all belong to one shop.
 */
export function Root() {
  const { state, switchTo } = useShops();
  if (state.status === 'loading') return null;
  if (state.status === 'error') {
    return (
      <main className="crash" role="alert">
        <h1>The shop could not be opened</h1>
        <p className="crash__detail">{state.message}</p>
      </main>
    );
  }
  const { shop, shops, unknown } = state;
  return (
    <ShopContext.Provider value={shop}>
      {unknown !== null && (
        <p className="notice notice--error shop-unknown" role="alert">
          There is no shop “{unknown}”; this is {shop.title}.
        </p>
      )}
      <App key={shop.name} shop={shop} shops={shops} onSwitch={switchTo} />
    </ShopContext.Provider>
  );
}
