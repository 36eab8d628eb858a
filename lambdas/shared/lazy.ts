/**
 * Builds a Lambda handler on its first invocation, so that importing a `handler.ts` (in tests, in
 * LocalCloud) needs no environment variables, and a cold start parses its configuration exactly once.
 */
export function lazyHandler<E, C, R>(build: () => (event: E, context: C) => Promise<R>) {
  let built: ((event: E, context: C) => Promise<R>) | undefined;
  // async: a bad environment then rejects the invocation like any other failure instead of throwing.
  return async (event: E, context: C): Promise<R> => {
    built ??= build();
    return built(event, context);
  };
}
