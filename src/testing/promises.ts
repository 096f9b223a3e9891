// Test-only: promise state without timing thresholds.

/** Whether `promise` has settled once everything already queued (tasks included) has run. */
export async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 0));
  return done;
}
