/**
 * Polls `probe` until it returns a value (not undefined), or fails after a generous bound: the
 * bound only turns a hang into a readable failure, it is not a timing claim. `description` may be
 * a function, to say at the time of failure what was last seen.
 */
export async function awaitCondition<T>(
  description: string | (() => string),
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const what = typeof description === 'function' ? description() : description;
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
