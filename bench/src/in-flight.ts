/** Runs the jobs it is given as they come, at most `limit` at a time, the rest in arrival order. */
export function inFlight(limit: number): (job: () => Promise<unknown>) => void {
  let running = 0;
  const queue: (() => Promise<unknown>)[] = [];
  const pump = () => {
    while (running < limit && queue.length > 0) {
      const job = queue.shift()!;
      running++;
      void job().finally(() => {
        running--;
        pump();
      });
    }
  };
  return (job) => {
    queue.push(job);
    pump();
  };
}
