// A small history router under the app's base path (/console/). The hub answers every /console/* path
// with index.html, so deep links and reloads work.
const BASE = import.meta.env.BASE_URL.replace(/\/$/, '');

function current(): string {
  const p = window.location.pathname;
  const rel = p.startsWith(BASE) ? p.slice(BASE.length) : p;
  return rel === '' ? '/' : rel;
}

export class Router {
  path = $state(current());
  /** Bumped on every navigation, so screens can re-read the query. */
  search = $state(window.location.search);

  constructor() {
    window.addEventListener('popstate', () => this.sync());
  }

  private sync(): void {
    this.path = current();
    this.search = window.location.search;
  }

  /** The full href of an app path, e.g. href('/starter') -> '/console/starter'. */
  href(path: string): string {
    return `${BASE}${path}`;
  }

  navigate(path: string, opts: { replace?: boolean } = {}): void {
    const url = this.href(path);
    if (opts.replace) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
    this.sync();
    window.scrollTo(0, 0);
  }

  /** onclick for in-app links: plain clicks navigate without reloading; modified clicks open as usual. */
  link = (e: MouseEvent): void => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.currentTarget as HTMLAnchorElement;
    const url = new URL(a.href);
    if (url.origin !== window.location.origin || !url.pathname.startsWith(BASE)) return;
    e.preventDefault();
    this.navigate(url.pathname.slice(BASE.length) + url.search);
  };

  /** Matches '/starter/:heatId' style patterns; returns the params or null. */
  match(pattern: string): Record<string, string> | null {
    const want = pattern.split('/').filter(Boolean);
    const have = this.path.split('/').filter(Boolean);
    if (want.length !== have.length) return null;
    const params: Record<string, string> = {};
    for (const [i, w] of want.entries()) {
      const h = decodeURIComponent(have[i]!);
      if (w.startsWith(':')) params[w.slice(1)] = h;
      else if (w !== h) return null;
    }
    return params;
  }
}

export const router = new Router();
