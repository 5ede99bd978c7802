/** The fictional users of the built-in test identity provider (config/test-users.yaml). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import * as z from 'zod';
import { CLAIMS, ROLES, isValidPersonnummer } from './claims.ts';

export const DEFAULT_TEST_USERS_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'config',
  'test-users.yaml',
);

export const testUserSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9-]{1,60}$/),
    name: z.string().min(1).max(200),
    roles: z.array(z.enum(ROLES)).min(1),
    municipality: z
      .string()
      .regex(/^[a-z0-9-]{1,60}$/)
      .optional(),
    personnummer: z.string().refine(isValidPersonnummer, 'a 12-digit personnummer with a valid check digit').optional(),
    protectedIdentityAccess: z.boolean().default(false),
  })
  .refine((u) => u.roles.includes('applicant') === (u.personnummer !== undefined), {
    message: 'applicants, and only applicants, have a personnummer',
  })
  .refine((u) => u.roles.some((r) => r !== 'applicant') === (u.municipality !== undefined), {
    message: 'staff, and only staff, belong to a municipality',
  });
export type TestUser = z.infer<typeof testUserSchema>;

const testUsersFileSchema = z
  .strictObject({ users: z.array(testUserSchema) })
  .refine((f) => new Set(f.users.map((u) => u.id)).size === f.users.length, { message: 'user ids must be unique' });

/** Reads and validates the test users; throws with the offending paths when the file is invalid. */
export function readTestUsers(file: string = DEFAULT_TEST_USERS_FILE): TestUser[] {
  const r = testUsersFileSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!r.success) {
    throw new Error(
      `invalid test users in ${file}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return r.data.users;
}

/** The Tillit claims a test user's access token carries (besides iss, sub, aud, iat, exp, jti, client_id). */
export function claimsFor(user: TestUser): Record<string, unknown> {
  return {
    [CLAIMS.name]: user.name,
    [CLAIMS.roles]: [...user.roles],
    ...(user.municipality !== undefined ? { [CLAIMS.municipality]: user.municipality } : {}),
    ...(user.personnummer !== undefined ? { [CLAIMS.personnummer]: user.personnummer } : {}),
    ...(user.protectedIdentityAccess ? { [CLAIMS.protectedIdentityAccess]: true } : {}),
  };
}
