/** The rule book as the public JSON document served at GET /api/v1/rulebook. */
import type { RuleBook } from '@tillit/rules';

export function rulebookToJson(rb: RuleBook) {
  return {
    id: rb.id,
    version: rb.version,
    hash: rb.hash,
    engineVersion: rb.engineVersion,
    title: rb.title,
    rounding: rb.rounding,
    sources: rb.sources,
    parameters: [...rb.parameters.values()],
    rules: [...rb.rules.values()],
  };
}
