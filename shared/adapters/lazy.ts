/**
 * A port whose adapter — and the SDK client behind it — is loaded on its first use instead of at
 * cold start, so a function loads what only some of its routes need when a request needs it (the
 * bundle keeps the code; its module is evaluated on the first call). Every method of the port is
 * async, as ports are. A failed load is tried again on the next call.
 */
export function loadedOnFirstUse<T extends object>(load: () => Promise<T>): T {
  const loaded = loadOnce(load);
  return new Proxy({} as T, {
    // Not a thenable: awaiting the port itself must not call into it.
    get: (_target, key) =>
      key === 'then'
        ? undefined
        : async (...args: unknown[]) => {
            const impl = (await loaded()) as Record<PropertyKey, (...a: unknown[]) => unknown>;
            return impl[key]!(...args);
          },
  });
}

/** `load`, run by the first call and shared by every later one; a failed load is tried again on the next call. */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}
