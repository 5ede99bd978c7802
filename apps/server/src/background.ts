/**
 * Periodic work in the server process (letters, deliveries, payments, late-case alerts): each task
 * runs every `ms`, never overlapping itself, logs failures without personal data, and stops
 * cleanly — close() waits for a run in progress.
 */
import type { FastifyBaseLogger } from 'fastify';

export interface Periodic {
  close(): Promise<void>;
}

export function every(ms: number, name: string, log: FastifyBaseLogger, task: () => Promise<unknown>): Periodic {
  let running: Promise<void> | undefined;
  let stopped = false;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = task()
      .then(
        () => undefined,
        (e: unknown) => log.error({ err: { message: (e as Error).message }, task: name }, 'background task failed'),
      )
      .finally(() => {
        running = undefined;
      });
  }, ms);
  timer.unref();
  return {
    async close() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
