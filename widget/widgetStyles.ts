/**
 * The widget's own styles, scoped by its shadow root. Hosts theme it through the custom
 * properties below (all optional) and the parts list, item, title, year and status.
 */
export const WIDGET_CSS = `
:host {
  display: block;
  /* About one row of items, reserved from the start: the loading and error states keep it. */
  min-height: var(--cprec-min-height, 4.5rem);
  font-family: var(--cprec-font, system-ui, -apple-system, 'Segoe UI', sans-serif);
  color: var(--cprec-color, inherit);
}
:host([hidden]) {
  display: none;
}
[part='list'] {
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(var(--cprec-item-min-width, 9.5rem), 1fr));
  gap: var(--cprec-gap, 0.75rem);
  margin: 0;
  padding: 0;
  list-style: none;
}
li {
  display: flex;
}
[part='item'] {
  display: flex;
  flex: 1;
  flex-direction: column;
  align-items: flex-start;
  justify-content: space-between;
  gap: 0.35rem;
  min-height: 4.5rem;
  margin: 0;
  padding: 0.75rem 0.85rem;
  border: 1px solid var(--cprec-border-color, rgba(0, 0, 0, 0.12));
  border-top: 3px solid var(--cprec-accent, #2563eb);
  border-radius: var(--cprec-radius, 8px);
  background: var(--cprec-card-background, #fff);
  color: inherit;
  font: inherit;
  text-align: left;
  cursor: pointer;
  transition: box-shadow 120ms ease, transform 120ms ease;
}
[part='item']:hover {
  box-shadow: 0 4px 14px rgba(0, 0, 0, 0.1);
  transform: translateY(-1px);
}
[part='item']:focus-visible {
  outline: 2px solid var(--cprec-accent, #2563eb);
  outline-offset: 2px;
}
[part='title'] {
  font-weight: 600;
  line-height: 1.3;
  overflow-wrap: anywhere;
}
[part='year'] {
  color: var(--cprec-muted-color, #6b7280);
  font-size: 0.85em;
}
[part='status'] {
  margin: 0;
  color: var(--cprec-muted-color, #6b7280);
  font-size: 0.9em;
}
[part='status'][data-kind='error'],
[part='status'][data-kind='warning'] {
  color: var(--cprec-error-color, #b91c1c);
}
`;
