// The host page's own code (a separate file: the preview's Content-Security-Policy allows no
// inline script). It talks to the widget only through its attributes, events and track().
const widget = document.querySelector('cprec-recommendations');

// Host products: a click records the view on the device; the widget re-renders.
for (const link of document.querySelectorAll('.products a')) {
  link.addEventListener('click', async (event) => {
    event.preventDefault();
    document.querySelector('#viewed').textContent = link.firstChild.textContent;
    await document.querySelector('cprec-recommendations').track(link.dataset.itemId);
  });
}

// The widget never navigates: the host decides what a selection does.
widget.addEventListener('cprec-select', (event) => {
  const { item } = event.detail;
  document.querySelector('#selected').textContent = item.year
    ? `${item.title} (${item.year})`
    : item.title;
});
const showModel = (info) => {
  document.querySelector('#model-info').textContent = `${info.modelName} on ${info.backend}`;
};
widget.addEventListener('cprec-ready', (event) => showModel(event.detail));
if (widget.recommender) showModel(widget.recommender.info);
widget.addEventListener('cprec-error', (event) => {
  document.querySelector('#model-info').textContent = `failed (${event.detail.message})`;
});
