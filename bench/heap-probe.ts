// Loaded into a hub process by the memory benchmark only (node --expose-gc --import tsx
// --import ./bench/heap-probe.ts server/main.ts serve, with an IPC channel). On { type: 'memory' }
// it runs a full GC and answers with process.memoryUsage(). Nothing is added to the product: no
// route, no flag, no port; without an IPC channel this file does nothing.
if (process.send) {
  process.on('message', (msg: { type?: string }) => {
    if (msg?.type !== 'memory') return;
    for (let i = 0; i < 3; i++) globalThis.gc?.();
    process.send!({ type: 'memory', gc: typeof globalThis.gc === 'function', ...process.memoryUsage() });
  });
}
export {};
