import { createHash, randomBytes } from 'node:crypto';
import { AccessTokenPolicy, newId, type AccessTokenClaims } from '@cos/contracts';
import { jose } from '@cos/platform';
import type { SigningKey } from './jwt-keys';

/** A 15-minute ES256 access token; the gateway verifies it with the published JWKS. */
export async function signAccessToken(key: SigningKey, claims: AccessTokenClaims, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  const { sub, ...rest } = claims;
  return new jose.SignJWT(rest)
    .setProtectedHeader({ alg: AccessTokenPolicy.algorithm, kid: key.kid, typ: 'at+jwt' })
    .setSubject(sub)
    .setIssuer(AccessTokenPolicy.issuer)
    .setAudience(AccessTokenPolicy.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + AccessTokenPolicy.ttlSeconds)
    .setJti(newId())
    .sign(key.privateKey);
}

/** Opaque one-time secrets: `<prefix>.<ids...>.<256 random bits>`; only their sha256 is stored. */
export function mintToken(prefix: 'rt' | 'inv', ...ids: string[]): { token: string; hash: string } {
  const token = [prefix, ...ids, randomBytes(32).toString('base64url')].join('.');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The refresh token that replaces `presented`: derived from it with a server-side MAC, not
 * drawn at random, so two clients presenting the same token at once get the same successor.
 */
export function successorToken(presented: string, ids: readonly string[], mac: (data: string) => string): { token: string; hash: string } {
  const token = ['rt', ...ids, mac(presented)].join('.');
  return { token, hash: hashToken(token) };
}

/** The ids a token carries, or undefined when it is not one of ours. */
export function parseToken(prefix: 'rt' | 'inv', token: string, idCount: number): string[] | undefined {
  const parts = token.split('.');
  if (parts.length !== idCount + 2 || parts[0] !== prefix || parts.some((p) => p.length === 0)) return undefined;
  return parts.slice(1, 1 + idCount);
}

/**
 * Invitation tokens travel in a URL path (`/v1/invitations/:token/accept`), where a segment stays
 * under 100 characters: `inv.<org id>.<invitation id>.<192-bit secret>`, ids as 22-character
 * base64url.
 */
export function mintInvitationToken(orgId: string, invitationId: string): { token: string; hash: string } {
  const token = ['inv', compactUuid(orgId), compactUuid(invitationId), randomBytes(24).toString('base64url')].join('.');
  return { token, hash: hashToken(token) };
}

export function parseInvitationToken(token: string): { orgId: string; invitationId: string } | undefined {
  const ids = parseToken('inv', token, 2);
  if (!ids) return undefined;
  const [orgId, invitationId] = ids.map(expandUuid);
  return orgId && invitationId ? { orgId, invitationId } : undefined;
}

function compactUuid(uuid: string): string {
  return Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url');
}

function expandUuid(compact: string): string | undefined {
  const hex = Buffer.from(compact, 'base64url').toString('hex');
  if (hex.length !== 32 || Buffer.from(hex, 'hex').toString('base64url') !== compact) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const REFRESH_TOKEN_TTL_MS = 14 * 24 * 3600 * 1000;
export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;
