// Read by vite-plugin-svelte, svelte-check and eslint-plugin-svelte alike.
/** @type {import('svelte/compiler').CompileOptions} */
const compilerOptions = { runes: true }; // Svelte 5 runes only: no legacy reactive statements

export default { compilerOptions };
