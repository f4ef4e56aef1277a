// A tiny router for the display app (no router library): the URL is the state; links are plain
// <a href> elements, intercepted once at the document so that moving between pages keeps the live
// connection open.

import { urlOf } from './immutable.js';

export type Params = Record<string, string>;

/** Matches `/events/:id` against a path; null when it does not fit. */
export function matchPath(pattern: string, path: string): Params | null {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return null;
  const params: Params = {};
  for (const [i, part] of want.entries()) {
    const value = got[i]!;
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(value);
    else if (part !== value) return null;
  }
  return params;
}

export class Router {
  #url = $state.raw(urlOf(window.location.href));

  get path(): string {
    return this.#url.pathname;
  }
  get query(): URLSearchParams {
    return this.#url.searchParams;
  }

  navigate(href: string, opts: { replace?: boolean } = {}): void {
    const url = urlOf(href, window.location.href);
    if (opts.replace) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
    this.#url = url;
    window.scrollTo(0, 0);
  }

  /** Starts listening to the back button and to link clicks; returns the function that stops. */
  start(): () => void {
    const onPop = () => (this.#url = urlOf(window.location.href));
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest('a');
      if (!a || a.target || a.hasAttribute('download')) return;
      const url = urlOf(a.href, window.location.href);
      if (url.origin !== window.location.origin) return;
      e.preventDefault();
      if (url.href !== window.location.href) this.navigate(url.href);
    };
    window.addEventListener('popstate', onPop);
    document.addEventListener('click', onClick);
    return () => {
      window.removeEventListener('popstate', onPop);
      document.removeEventListener('click', onClick);
    };
  }

  /** Forgets nothing but re-reads the address bar (tests, history changes made elsewhere). */
  reset(): void {
    this.#url = urlOf(window.location.href);
  }
}
