/** Configuration from the environment, validated once at start. */
import * as z from 'zod';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RULEBOOK_DIR: z.string().optional(),
  /** postgres://… to use a PostgreSQL server; unset: embedded PGlite under DATA_DIR. */
  DATABASE_URL: z.string().startsWith('postgres').optional(),
  DATA_DIR: z.string().default('./data/pglite'),
  MUNICIPALITIES_FILE: z.string().optional(),
  /** The OpenID Provider whose access tokens the API accepts. */
  OIDC_ISSUER: z.url().optional(),
  OIDC_AUDIENCE: z.string().default('tillit-api'),
  /** Where browsers reach this server (the sign-in callback is here); default http://localhost:PORT. */
  PUBLIC_URL: z.url().optional(),
  /** The OIDC client for browser sign-in (authorization code flow); with the test provider, registered at start. */
  OIDC_WEB_CLIENT_ID: z.string().default('tillit-web'),
  OIDC_WEB_CLIENT_SECRET: z.string().min(16).optional(),
  /** Minutes without activity before a browser session ends. */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(240).default(20),
  /** Start the built-in test identity provider (demo and tests only; refused in production). */
  TEST_IDP: z.stringbool().default(false),
  TEST_IDP_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  NODE_ENV: z.string().default('development'),
  /** The authorities' data (an SSBTEK gateway); unset outside production: the built-in simulator. */
  AUTHORITY_URL: z.url().optional(),
  SIM_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  SIM_HOUSEHOLDS: z.coerce.number().int().min(1).max(100_000).default(3000),
  /** Pipeline workers in the server process. */
  WORKERS: z.coerce.number().int().min(0).max(32).default(2),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  /** Behind a reverse proxy (TLS): how many proxy hops to trust for the client's address. 0: none. */
  TRUST_PROXY: z.coerce.number().int().min(0).max(5).default(0),
});
export type Config = z.infer<typeof envSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = envSchema.safeParse(env);
  if (!r.success) {
    throw new Error(
      `invalid configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  if (r.data.TEST_IDP && r.data.NODE_ENV === 'production') throw new Error('TEST_IDP is refused in production');
  return r.data;
}
