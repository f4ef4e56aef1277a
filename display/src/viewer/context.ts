// What every page of the phone viewer shares: the live client, the followed athletes, the router.
import { getContext, setContext } from 'svelte';
import type { LiveClient } from '../lib/live.svelte.js';
import type { FollowStore } from '../lib/follow.svelte.js';
import type { Router } from '../lib/router.svelte.js';

export interface ViewerContext {
  live: LiveClient;
  follow: FollowStore;
  router: Router;
}

const KEY = Symbol('viewer');

export function setViewerContext(ctx: ViewerContext): void {
  setContext(KEY, ctx);
}

export function viewerContext(): ViewerContext {
  const ctx = getContext<ViewerContext | undefined>(KEY);
  if (!ctx) throw new Error('viewer pages must be rendered inside Viewer.svelte');
  return ctx;
}
