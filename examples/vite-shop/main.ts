import { loadRecommender, openHistory } from 'cprec';
import 'cprec/widget';

// The model folder as `cprec train` writes it, served by the site (here from public/models/).
const MODEL = '/models/ml-latest-small/';

const list = document.querySelector<HTMLOListElement>('#for-you')!;
const [history, recommender] = await Promise.all([openHistory(), loadRecommender(MODEL)]);

async function showRecommendations(): Promise<void> {
  const clicks = (await history.recent(50)).map((event) => event.itemId);
  const { items } = await recommender.recommend(clicks, { k: 5 });
  list.replaceChildren(
    ...items.map(({ itemId, item }) => {
      const li = document.createElement('li');
      // item is null when the item's display fields could not be fetched.
      li.textContent = item?.title ?? itemId;
      li.dataset.itemId = itemId;
      return li;
    }),
  );
  list.ariaBusy = 'false';
}

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-item-id]')) {
  button.addEventListener('click', () => history.add(button.dataset.itemId!));
}
// The widget shares this history (the same IndexedDB database) and re-renders by itself.
history.subscribe(() => void showRecommendations());
await showRecommendations();
