// Light and dark themes for the phone viewer: the system's choice (prefers-color-scheme) unless the
// spectator picked one with the toggle (kept in localStorage).
export type ThemeChoice = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'athsys.theme';

function stored(): ThemeChoice {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

export class ThemeStore {
  #choice = $state<ThemeChoice>(stored());
  #systemDark = $state(window.matchMedia('(prefers-color-scheme: dark)').matches);

  get choice(): ThemeChoice {
    return this.#choice;
  }
  /** The theme in effect. */
  get theme(): 'light' | 'dark' {
    return this.#choice === 'system' ? (this.#systemDark ? 'dark' : 'light') : this.#choice;
  }

  /** Switches to the other theme (and remembers it). */
  toggle(): void {
    this.#choice = this.theme === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(STORAGE_KEY, this.#choice);
    } catch {
      // not kept: fine
    }
  }

  /** Follows the system setting and applies the theme to <html>; returns the function that stops. */
  start(): () => void {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const onChange = (e: MediaQueryListEvent) => (this.#systemDark = e.matches);
    media.addEventListener('change', onChange);
    const stop = $effect.root(() => {
      $effect(() => {
        document.documentElement.dataset.theme = this.theme;
      });
    });
    return () => {
      media.removeEventListener('change', onChange);
      stop();
    };
  }

  reset(): void {
    this.#choice = 'system';
    try {
      localStorage.removeItem(STORAGE_KEY);
    } catch {
      // nothing kept
    }
  }
}
