/** Above this share of a core a process, not what feeds it, is what limits throughput. */
const CLIENT_SATURATED = 0.9;

export interface Saturation {
  serverCpuCores: number;
  /** Share of the time the server's main thread was runnable without a CPU. */
  serverRunqueueWait?: number;
  /** The busiest client process's share of a core. */
  clientCpuCores: number;
}

/** Whether the busiest client process, not the server, set the pace. */
export function clientBound(t: Pick<Saturation, 'clientCpuCores'>): boolean {
  return t.clientCpuCores > CLIENT_SATURATED;
}

/**
 * Who limited the closed loop: a client process near a full core, and/or the server's main
 * thread running or waiting to run for nearly all the time (its CPU plus its run-queue wait; for
 * a multi-threaded server, its CPU over all threads). "neither" means both had room: the rest of
 * the shared machine, or the loop's window, set the pace.
 */
export function bottleneck(t: Saturation): string {
  const client = clientBound(t);
  const server = t.serverCpuCores + (t.serverRunqueueWait ?? 0) > CLIENT_SATURATED;
  if (client && server) return 'server + client';
  if (client) return 'client';
  return server ? 'server' : 'neither';
}
