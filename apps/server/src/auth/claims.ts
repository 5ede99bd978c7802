/**
 * Roles, the access-token claims that carry them, and the principal a verified token becomes.
 * Shared by the API's token verifier (plugin.ts) and the built-in test identity provider.
 */

export const ROLES = ['applicant', 'caseworker', 'coach', 'customer-service', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES: readonly Role[] = ['caseworker', 'coach', 'customer-service', 'auditor', 'admin'];

/**
 * Claim names in Tillit's access tokens (JWT, RFC 9068). `roles` is the RFC 9068 / SCIM claim;
 * the others are collision-resistant private names (RFC 7519 § 4.2). `name` is the OIDC standard claim.
 */
export const CLAIMS = {
  roles: 'roles',
  name: 'name',
  municipality: 'https://tillit.se/claims/municipality',
  personnummer: 'https://tillit.se/claims/personnummer',
  protectedIdentityAccess: 'https://tillit.se/claims/protected_identity_access',
} as const;

/** The authenticated caller. Holds a personal identity number: never log it. */
export interface Principal {
  /** The token's `sub`: the identity provider's stable id for the person. */
  readonly subject: string;
  readonly roles: readonly Role[];
  /** The municipality (tenant) id for staff, e.g. `ekby`. */
  readonly municipality?: string;
  /** Swedish personnummer, 12 digits (YYYYMMDDNNNC), for citizens. */
  readonly personnummer?: string;
  readonly name?: string;
  /** May see protected identities (skyddade personuppgifter). */
  readonly protectedIdentityAccess: boolean;
}

const ROLE_SET: ReadonlySet<string> = new Set(ROLES);
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && ROLE_SET.has(value);
}

/** A 12-digit personnummer (YYYYMMDDNNNC) with a valid month, day and Luhn check digit. */
export function isValidPersonnummer(value: string): boolean {
  if (!/^\d{12}$/.test(value)) return false;
  const month = Number(value.slice(4, 6));
  const day = Number(value.slice(6, 8));
  // Samordningsnummer add 60 to the day.
  if (month < 1 || month > 12 || day < 1 || (day > 31 && (day < 61 || day > 91))) return false;
  const digits = value.slice(2);
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

/** The principal from a verified token's payload, or null when its Tillit claims are malformed. */
export function principalFromClaims(payload: Readonly<Record<string, unknown>>): Principal | null {
  const { sub } = payload;
  if (typeof sub !== 'string' || sub === '') return null;
  const rawRoles = payload[CLAIMS.roles] ?? [];
  if (!Array.isArray(rawRoles)) return null;
  // Roles Tillit does not know are ignored, so an identity provider may carry others.
  const roles = [...new Set(rawRoles.filter(isRole))];
  const municipality = payload[CLAIMS.municipality];
  const personnummer = payload[CLAIMS.personnummer];
  const name = payload[CLAIMS.name];
  const protectedIdentityAccess = payload[CLAIMS.protectedIdentityAccess] ?? false;
  if (municipality !== undefined && (typeof municipality !== 'string' || municipality === '')) return null;
  if (personnummer !== undefined && (typeof personnummer !== 'string' || !isValidPersonnummer(personnummer))) {
    return null;
  }
  if (name !== undefined && typeof name !== 'string') return null;
  if (typeof protectedIdentityAccess !== 'boolean') return null;
  return {
    subject: sub,
    roles,
    ...(municipality !== undefined ? { municipality } : {}),
    ...(personnummer !== undefined ? { personnummer } : {}),
    ...(name !== undefined ? { name } : {}),
    protectedIdentityAccess,
  };
}
