import {
  loadRecommender,
  openHistory,
  type CatalogItem,
  type HistoryStore,
  type Recommendation,
  type Recommender,
  type RecommenderInfo,
  type ResolveItems,
  HISTORY_DB_NAME,
} from '../src/runtime';
import { parseContextItem, unknownContextItem } from './parseContextItem';
import { parseKeyword } from './parseKeyword';
import { parseK } from './parseK';
import { WIDGET_CSS } from './widgetStyles';

export const TAG_NAME = 'cprec-recommendations';

const parseItemTable = (value: string | null) =>
  parseKeyword('item-table', value, ['on', 'off'], "using the model's item table");
const parseLoading = (value: string | null) =>
  parseKeyword('loading', value, ['eager', 'lazy'], 'loading the model now');

/** `cprec-select`: the user picked a recommendation; the host decides what happens next. */
export interface CprecSelectDetail {
  itemId: string;
  item: CatalogItem;
}

/** `cprec-error`: the model or the history could not be loaded. */
export interface CprecErrorDetail {
  message: string;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

/**
 * `<cprec-recommendations model="/models/ml-latest-small/" k="6" history-db="cprec-history">`
 *
 * Shows the top-k recommendations for the user's on-device click history and re-renders after
 * every history change (in this tab or another). Attributes: `model` (directory of model.json,
 * required), `k` (positive integer, default 6), `history-db` (IndexedDB name, default
 * 'cprec-history'), `context-item` (an item id: show what the model predicts after that one item,
 * "more like this", instead of recommendations for the history), `item-table` ("off": rank with
 * the network alone and never fetch the model's item table, a few hundred KB; default "on"),
 * `loading` ("lazy": fetch the model only once the element is within a screen of the viewport,
 * as `<img loading="lazy">` does, so a widget below the fold costs the page only its own script
 * until the visitor scrolls towards it; track() records clicks meanwhile; default "eager"),
 * `label` (the list's accessible name; default "Recommendations", or "More like this" with a
 * `context-item`).
 * Events (bubbling, composed):
 * `cprec-ready` (detail: recommender info),
 * `cprec-select` (detail: { itemId, item }), `cprec-error` (detail: { message }).
 */
export class CprecRecommendations extends HTMLElement {
  static readonly observedAttributes = [
    'model',
    'k',
    'history-db',
    'context-item',
    'item-table',
    'loading',
    'label',
  ];

  readonly #content: HTMLElement;
  #recommender: Recommender | undefined;
  #history: HistoryStore | undefined;
  #historyReady: Promise<HistoryStore> | undefined;
  #unsubscribe: (() => void) | undefined;
  #items = new Map<string, CatalogItem>();
  #started = false;
  /** Bumped by every (re)load and teardown: a load that finishes late is thrown away. */
  #session = 0;
  /** Bumped by every render: only the latest one may write to the DOM. */
  #renderSeq = 0;
  /** The warnings of the last render, each logged once while it lasts. */
  #warned = new Set<string>();
  /** Ends a lazy widget's wait for the viewport (teardown calls it). */
  #stopWaiting: (() => void) | undefined;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    // A constructed sheet, not a <style> element: a shop's policy need not allow inline styles.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(WIDGET_CSS);
    root.adoptedStyleSheets = [sheet];
    this.#content = document.createElement('div');
    this.#content.setAttribute('aria-live', 'polite');
    root.append(this.#content);
    root.addEventListener('click', (event) => this.#onClick(event));
  }

  /**
   * The host's own source of display fields (e.g. its product API), read at every render; unset,
   * they come from the model folder's catalog shards, only those holding the items shown.
   */
  resolveItems: ResolveItems | undefined;

  /** The loaded recommender, once `cprec-ready` has fired (undefined before and after failure). */
  get recommender(): Recommender | undefined {
    return this.#recommender;
  }

  /** Records a click on `itemId` in the history; the widget re-renders through its subscription. */
  async track(itemId: string): Promise<void> {
    const history = this.#history ?? (await this.#historyReady);
    if (!history) {
      throw new Error(`${TAG_NAME}: track() needs the element to be in the document`);
    }
    await history.add(itemId);
  }

  connectedCallback(): void {
    if (!this.#started) void this.#start();
  }

  disconnectedCallback(): void {
    this.#teardown();
  }

  attributeChangedCallback(name: string, oldValue: string | null, newValue: string | null): void {
    if (oldValue === newValue || !this.#started) return;
    if (name === 'label') {
      const list = this.#content.querySelector('[part="list"]');
      list?.setAttribute('aria-label', this.#listLabel(list.getAttribute('data-context-item')));
    } else if (name === 'loading') {
      // Only a widget still waiting for the viewport has anything to change: "eager" loads now.
      const loading = parseLoading(newValue);
      if (loading.error) console.error(loading.error);
      if (loading.value === 'eager') this.#stopWaiting?.();
    } else if (name === 'k' || name === 'context-item') {
      void this.#render();
    } else {
      this.#teardown();
      void this.#start();
    }
  }

  async #start(): Promise<void> {
    this.#started = true;
    const session = ++this.#session;
    this.#showStatus('Loading recommendations…', 'loading');
    const model = this.getAttribute('model');
    if (!model) {
      this.#fail('the "model" attribute is missing (the URL of the model directory)');
      return;
    }
    const historyReady = openHistory({
      dbName: this.getAttribute('history-db') || HISTORY_DB_NAME,
    });
    this.#historyReady = historyReady;
    const table = parseItemTable(this.getAttribute('item-table'));
    const loading = parseLoading(this.getAttribute('loading'));
    for (const { error } of [table, loading]) if (error) console.error(error);
    if (loading.value === 'lazy') {
      await this.#nearViewport();
      // Torn down while it waited: nothing to load, and the history it opened is closed.
      if (session !== this.#session) {
        void historyReady.then(
          (history) => history.close(),
          () => undefined,
        );
        return;
      }
    }
    const [loaded, opened] = await Promise.allSettled([
      loadRecommender(model, { backend: 'auto', worker: true, itemTable: table.value === 'on' }),
      historyReady,
    ]);
    if (session !== this.#session) {
      if (loaded.status === 'fulfilled') loaded.value.dispose();
      if (opened.status === 'fulfilled') opened.value.close();
      return;
    }
    // Kept even when the model failed: track() still records the shop's clicks for next time.
    if (opened.status === 'fulfilled') this.#history = opened.value;
    if (loaded.status === 'rejected' || opened.status === 'rejected') {
      if (loaded.status === 'fulfilled') loaded.value.dispose();
      const reason =
        loaded.status === 'rejected' ? loaded.reason : (opened as PromiseRejectedResult).reason;
      console.error(reason);
      this.#fail(messageOf(reason));
      return;
    }
    this.#recommender = loaded.value;
    // A context item's list does not depend on the history.
    this.#unsubscribe = opened.value.subscribe(() => {
      if (parseContextItem(this.getAttribute('context-item')).itemId === null) void this.#render();
    });
    this.#dispatch<RecommenderInfo>('cprec-ready', loaded.value.info);
    await this.#render();
  }

  /** Resolves once the element is within a screen of the viewport, or when teardown ends the wait. */
  #nearViewport(): Promise<void> {
    return new Promise((resolve) => {
      const observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((e) => e.isIntersecting)) this.#stopWaiting?.();
        },
        { rootMargin: '100% 0px' },
      );
      this.#stopWaiting = () => {
        observer.disconnect();
        this.#stopWaiting = undefined;
        resolve();
      };
      observer.observe(this);
    });
  }

  #teardown(): void {
    this.#stopWaiting?.();
    this.#session++;
    this.#renderSeq++;
    this.#started = false;
    this.#unsubscribe?.();
    this.#recommender?.dispose();
    this.#history?.close();
    this.#unsubscribe = this.#recommender = this.#history = this.#historyReady = undefined;
    this.#items.clear();
  }

  async #render(): Promise<void> {
    const recommender = this.#recommender;
    const history = this.#history;
    if (!recommender || !history) return;
    const seq = ++this.#renderSeq;
    const { k, error } = parseK(this.getAttribute('k'));
    const context = parseContextItem(this.getAttribute('context-item'));
    this.#content.setAttribute('aria-busy', 'true');
    try {
      // The page's item counts as seen now; the visitor's clicks carry their times.
      const events = context.itemId !== null ? null : await history.recent(recommender.info.window);
      const ids = events ? events.map((event) => event.itemId) : [context.itemId as string];
      // A one-off history: the visitor's own keeps its incremental path in the recommender.
      // The page's own item is never its own recommendation; a visitor's history may be, when the
      // model learned repeat purchases (recommender.info.excludesHistory).
      const result = await recommender.recommend(ids, {
        k,
        oneOff: context.itemId !== null,
        ...(events ? { times: events.map((event) => event.at) } : { excludeHistory: true }),
        resolveItems: this.resolveItems,
      });
      if (seq !== this.#renderSeq) return;
      const unknown =
        context.itemId !== null && result.unknownIds > 0
          ? unknownContextItem(context.itemId, recommender.info.modelName)
          : undefined;
      const warnings = [error, context.error, unknown].filter((w) => w !== undefined);
      for (const warning of warnings) if (!this.#warned.has(warning)) console.error(warning);
      this.#warned = new Set(warnings);
      this.#showList(result.items, ids, result.source, warnings, context.itemId);
    } catch (reason) {
      if (seq !== this.#renderSeq) return;
      console.error(reason);
      this.#showStatus(`Recommendations are unavailable: ${messageOf(reason)}`, 'error');
    }
  }

  #listLabel(contextItem: string | null): string {
    return (
      this.getAttribute('label') || (contextItem === null ? 'Recommendations' : 'More like this')
    );
  }

  #showList(
    items: readonly Recommendation[],
    basedOn: readonly string[],
    source: string,
    warnings: readonly string[],
    contextItem: string | null,
  ): void {
    // An item without display fields is left out; its error names it and where it was looked for.
    const shown = items.filter((r) => r.item !== null);
    for (const error of new Set(items.map((r) => r.missing))) if (error) console.error(error);
    this.#items = new Map(shown.map((r) => [r.itemId, r.item]));
    const list = document.createElement('ol');
    list.setAttribute('part', 'list');
    list.setAttribute('aria-label', this.#listLabel(contextItem));
    list.dataset.source = source;
    list.dataset.basedOn = basedOn.join(' ');
    if (contextItem !== null) list.dataset.contextItem = contextItem;
    if (shown.length < items.length) {
      list.dataset.missing = items.flatMap((r) => (r.item ? [] : [r.itemId])).join(' ');
    }
    for (const { itemId, item } of shown) {
      const button = document.createElement('button');
      button.type = 'button';
      button.setAttribute('part', 'item');
      button.dataset.itemId = itemId;
      // Catalog data is text, never markup.
      const title = document.createElement('span');
      title.setAttribute('part', 'title');
      title.textContent = item.title;
      button.append(title);
      if (item.year !== undefined) {
        const year = document.createElement('span');
        year.setAttribute('part', 'year');
        year.textContent = String(item.year);
        button.append(year);
      }
      const li = document.createElement('li');
      li.append(button);
      list.append(li);
    }
    const nodes: Node[] = [];
    for (const warning of warnings) nodes.push(this.#status(warning, 'warning'));
    if (shown.length > 0) nodes.push(list);
    else if (items.length > 0)
      nodes.push(this.#status('Recommendations are unavailable right now.', 'error'));
    else nodes.push(this.#status('No recommendations yet.', 'empty'));
    this.#content.replaceChildren(...nodes);
    this.#content.setAttribute('aria-busy', 'false');
  }

  #status(text: string, kind: string): HTMLElement {
    const p = document.createElement('p');
    p.setAttribute('part', 'status');
    p.dataset.kind = kind;
    p.textContent = text;
    return p;
  }

  #showStatus(text: string, kind: string): void {
    this.#content.replaceChildren(this.#status(text, kind));
    this.#content.setAttribute('aria-busy', String(kind === 'loading'));
  }

  #fail(message: string): void {
    this.#showStatus('Recommendations are unavailable right now.', 'error');
    this.#dispatch<CprecErrorDetail>('cprec-error', { message });
  }

  #onClick(event: Event): void {
    const target = event.target instanceof Element ? event.target : null;
    const button = target?.closest<HTMLElement>('[part~="item"]');
    const itemId = button?.dataset.itemId;
    const item = itemId === undefined ? undefined : this.#items.get(itemId);
    if (!itemId || !item) return;
    event.preventDefault();
    this.#dispatch<CprecSelectDetail>('cprec-select', { itemId, item });
  }

  #dispatch<T>(type: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
  }
}

/** Registers the element under `cprec-recommendations` unless something already is. */
export function defineCprecRecommendations(registry: CustomElementRegistry = customElements): void {
  if (!registry.get(TAG_NAME)) registry.define(TAG_NAME, CprecRecommendations);
}

declare global {
  interface HTMLElementTagNameMap {
    'cprec-recommendations': CprecRecommendations;
  }
  interface HTMLElementEventMap {
    'cprec-ready': CustomEvent<RecommenderInfo>;
    'cprec-select': CustomEvent<CprecSelectDetail>;
    'cprec-error': CustomEvent<CprecErrorDetail>;
  }
}
