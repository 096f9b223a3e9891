// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorBoundary } from './ErrorBoundary';

let container: HTMLElement;
let root: Root;

beforeEach(() => {
  Object.assign(globalThis, { IS_REACT_ACT_ENVIRONMENT: true });
  container = document.body.appendChild(document.createElement('div'));
  root = createRoot(container);
  // React reports every caught render error on the console; these are on purpose.
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
  vi.restoreAllMocks();
});

function Broken(): never {
  throw new TypeError("Cannot read properties of undefined (reading 'replace')");
}

describe('ErrorBoundary', () => {
  it('shows a short error instead of a blank page when rendering throws', async () => {
    await act(async () =>
      root.render(
        <ErrorBoundary>
          <Broken />
        </ErrorBoundary>,
      ),
    );
    const alert = container.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain('Something went wrong');
    expect(alert?.textContent).toContain("Cannot read properties of undefined (reading 'replace')");
    expect(container.querySelector('button')?.textContent).toBe('Reload the page');
  });

  it('renders its children while nothing throws', async () => {
    await act(async () =>
      root.render(
        <ErrorBoundary>
          <p>the shop</p>
        </ErrorBoundary>,
      ),
    );
    expect(container.textContent).toBe('the shop');
  });
});
