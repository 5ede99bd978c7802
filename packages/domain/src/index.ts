/** @tillit/domain — the case pipeline's functional core: no I/O, no clock, no randomness. */
export * from './application.ts';
export * from './evidence.ts';
export * from './checks.ts';
export * from './policy.ts';
export { previousMonth } from './months.ts';
export * from './payday.ts';
export * from './sampling.ts';
export * from './exits.ts';
