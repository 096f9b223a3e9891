import { Component, type ReactNode } from 'react';

interface State {
  message: string | null;
}

/**
 * The last line of defence around the shop: an error while rendering shows what happened and a
 * way out, not a blank page. (React logs the error itself.)
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { message: null };

  static getDerivedStateFromError(error: unknown): State {
    return { message: error instanceof Error ? error.message || error.name : String(error) };
  }

  override render(): ReactNode {
    if (this.state.message === null) return this.props.children;
    return (
      <main className="crash" role="alert">
        <h1>Something went wrong</h1>
        <p className="crash__detail">{this.state.message}</p>
        <button type="button" className="button" onClick={() => location.reload()}>
          Reload the page
        </button>
      </main>
    );
  }
}
