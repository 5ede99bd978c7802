/**
 * @tillit/authority-sim: a stand-in for the authorities behind SSBTEK, for demo, tests and
 * benchmarks. Start it in-process with `startAuthoritySim`, or as its own process with main.ts.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyServerOptions } from 'fastify';
import type { FaultSettings, EffectiveFaults } from './faults.ts';
import { swedishDate } from './months.ts';
import { generatePopulation, type Population } from './population.ts';
import { createSimServer, type RouteInfo } from './server.ts';
import type { SourceId } from './types.ts';

export interface AuthoritySimOptions {
  /** Population seed (number or string). Default 20260101. */
  readonly seed?: number | string;
  /** Municipality codes. Default ['9901', '9902'] (the fictional Ekby and Lövsala). */
  readonly municipalities?: readonly string[];
  /** Households per municipality. Default 3000. */
  readonly householdsPerMunicipality?: number;
  /** "YYYY-MM" the population is built around. Default: the current month of `now()`. */
  readonly referenceMonth?: string;
  /** A population built beforehand (the options above are then ignored). */
  readonly population?: Population;
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Faults at start. */
  readonly faults?: FaultSettings;
  /** Seed of the fault PRNG. Default: the population's seed. */
  readonly faultSeed?: number | string;
  /** The clock. Default: the system clock. */
  readonly now?: () => Date;
  /** Fastify/pino logger options. Default: no logging. */
  readonly logger?: FastifyServerOptions['logger'];
}

export interface AuthoritySim {
  /** "http://127.0.0.1:PORT", without a trailing slash. */
  readonly url: string;
  close(): Promise<void>;
  /** Replaces the fault configuration, like `PUT /admin/faults`. */
  setFaults(faults: FaultSettings): void;
  getFaults(): FaultSettings;
  effectiveFaults(source: SourceId): EffectiveFaults;
  readonly population: Population;
  readonly routes: readonly RouteInfo[];
}

export async function startAuthoritySim(options: AuthoritySimOptions = {}): Promise<AuthoritySim> {
  const now = options.now ?? (() => new Date());
  const population =
    options.population ??
    generatePopulation({
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.municipalities !== undefined ? { municipalities: options.municipalities } : {}),
      ...(options.householdsPerMunicipality !== undefined
        ? { householdsPerMunicipality: options.householdsPerMunicipality }
        : {}),
      referenceMonth: options.referenceMonth ?? swedishDate(now()).slice(0, 7),
    });
  const server = createSimServer({
    population,
    now,
    ...(options.faults !== undefined ? { faults: options.faults } : {}),
    ...(options.faultSeed !== undefined ? { faultSeed: options.faultSeed } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  await server.app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const { port } = server.app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => server.app.close(),
    setFaults: (f) => server.faults.set(f),
    getFaults: () => server.faults.get(),
    effectiveFaults: (s) => server.faults.effective(s),
    population,
    routes: server.routes,
  };
}

export { readSimEnv } from './config.ts';
export { buildAnswer, makePartial, resolveMonths, WINDOW_MONTHS } from './answers.ts';
export { FaultController, faultSettingsSchema, faultRuleSchema, NO_FAULTS } from './faults.ts';
export type { EffectiveFaults, FaultRule, FaultSettings } from './faults.ts';
export { isValidPersonnummer, luhnCheckDigit, makePersonnummer } from './personnummer.ts';
export {
  DEFAULT_HOUSEHOLDS_PER_MUNICIPALITY,
  DEFAULT_MUNICIPALITIES,
  DEFAULT_SEED,
  FLAGGED_TRAITS,
  MUNICIPALITY_NAMES,
  TRAITS,
  generatePopulation,
  hasTraits,
  isCleanRenewal,
  lacksTraits,
  paymentsFor,
} from './population.ts';
export type { Population, PopulationOptions, SimHousehold, SimPerson, Trait } from './population.ts';
export { createSimServer, lookupRequestSchema } from './server.ts';
export type { LookupRequest, RouteInfo, SimServer, SimServerOptions } from './server.ts';
export * from './types.ts';
