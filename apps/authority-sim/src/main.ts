/**
 * The simulator as its own process: `npx tsx apps/authority-sim/src/main.ts`.
 * Listens on http://127.0.0.1:3100 (SIM_PORT or PORT); see README for the SIM_* variables.
 */
import { readSimEnv } from './config.ts';
import { startAuthoritySim } from './index.ts';

const options = readSimEnv(process.env);
const startedAt = Date.now();
const sim = await startAuthoritySim(options);
console.log(
  JSON.stringify({
    msg: `authority-sim is ready: ${sim.url}/`,
    households: sim.population.households.length,
    persons: sim.population.personCount,
    seed: sim.population.seed,
    referenceMonth: sim.population.referenceMonth,
    startMs: Date.now() - startedAt,
  }),
);

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  console.log(JSON.stringify({ msg: 'shutting down', signal }));
  const timer = setTimeout(() => process.exit(1), 10_000);
  timer.unref();
  await sim.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
