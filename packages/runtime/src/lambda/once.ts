/** Memoises an async factory (a Lambda cold start); a failed attempt is forgotten so the next invocation tries again. */
export const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make().catch((err: unknown) => {
      value = undefined;
      throw err;
    });
    return value;
  };
};
