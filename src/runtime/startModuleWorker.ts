/**
 * Starts a module worker running `scriptUrl`. Browsers start a worker only from the page's own
 * origin, so a script from another origin (the widget served from a CDN) runs through a
 * same-origin blob: module that imports it. That worker has the page's origin and policy, while
 * the imported script keeps its own import.meta.url, against which it finds its WASM binaries.
 * A same-origin script starts directly, so a policy without `worker-src blob:` still allows it.
 */
export function startModuleWorker(scriptUrl: string, pageUrl = globalThis.location.href): Worker {
  const script = new URL(scriptUrl, pageUrl);
  if (script.origin === new URL(pageUrl).origin) return new Worker(script, { type: 'module' });
  const source = `import ${JSON.stringify(script.href)};\n`;
  const blobUrl = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try {
    return new Worker(blobUrl, { type: 'module' });
  } finally {
    // The worker resolved the URL when it was constructed; it needs it no longer.
    URL.revokeObjectURL(blobUrl);
  }
}
