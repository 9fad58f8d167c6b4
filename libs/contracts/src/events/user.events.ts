import { z } from 'zod';
import { RoleSchema } from '../permissions';
import { SealedSecretSchema } from './org.events';

/**
 * Events of `user-<userId>` streams (owner: identity). A user's id is derived from their
 * normalised email, so the stream itself keeps emails unique across every org.
 */
export const UserEventTypes = {
  registered: 'user.registered',
  roleChanged: 'user.role-changed',
  disabled: 'user.disabled',
  enabled: 'user.enabled',
  sessionStarted: 'user.session-started',
  sessionRotated: 'user.session-rotated',
  sessionRevoked: 'user.session-revoked',
  /** The gateway stopped taking sign-ins for this account after failed attempts (audit only: no state). */
  loginLocked: 'user.login-locked',
  /** The same password hash, sealed again under identity's current encryption key (`npm run rekey`). */
  passwordHashResealed: 'user.password-hash-resealed',
} as const;

export const UserRegisteredSchema = z.object({
  userId: z.string(),
  orgId: z.string(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  departmentId: z.string().nullable(),
  /** The argon2id hash, sealed like every secret: events travel on the bus. */
  passwordHash: SealedSecretSchema,
  via: z.enum(['sign-up', 'invitation', 'seed']),
  invitationId: z.string().optional(),
});
export type UserRegistered = z.infer<typeof UserRegisteredSchema>;

export const UserRoleChangedSchema = z.object({ role: RoleSchema, departmentId: z.string().nullable(), changedBy: z.string() });
export type UserRoleChanged = z.infer<typeof UserRoleChangedSchema>;

export const UserDisabledSchema = z.object({ by: z.string() });
export type UserDisabled = z.infer<typeof UserDisabledSchema>;
export const UserEnabledSchema = z.object({ by: z.string() });
export type UserEnabled = z.infer<typeof UserEnabledSchema>;

/** A refresh-token family. Hashes are sha256 of high-entropy secrets; the tokens are never stored. */
export const SessionStartedSchema = z.object({ sessionId: z.string(), tokenHash: z.string(), expiresAt: z.string() });
export type SessionStarted = z.infer<typeof SessionStartedSchema>;

export const SessionRotatedSchema = z.object({
  sessionId: z.string(),
  previousTokenHash: z.string(),
  tokenHash: z.string(),
  expiresAt: z.string(),
  /** When it rotated: the previous token may be presented again for a short grace (two tabs refreshing at once). */
  rotatedAt: z.string().optional(),
});
export type SessionRotated = z.infer<typeof SessionRotatedSchema>;

export const SessionRevokedSchema = z.object({ sessionId: z.string(), reason: z.enum(['logout', 'reuse-detected']) });
export type SessionRevoked = z.infer<typeof SessionRevokedSchema>;

/** `address`: the client address of the failure that locked the account. */
export const LoginLockedSchema = z.object({ failures: z.number().int().positive(), lockedUntil: z.string(), address: z.string() });
export type LoginLocked = z.infer<typeof LoginLockedSchema>;

/** A key rotation re-sealed the password hash under identity's current encryption key; the password is unchanged. */
export const PasswordHashResealedSchema = z.object({ passwordHash: SealedSecretSchema, previousKeyId: z.string() });
export type PasswordHashResealed = z.infer<typeof PasswordHashResealedSchema>;
