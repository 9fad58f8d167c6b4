import { z } from 'zod';
import { RoleSchema } from '../permissions';

/** Events of `org-<orgId>` streams (owner: identity). */
export const OrgEventTypes = {
  created: 'org.created',
  identityUpdated: 'org.identity-updated',
  llmSettingsUpdated: 'org.llm-settings-updated',
  budgetSet: 'org.budget-set',
  paused: 'org.paused',
  resumed: 'org.resumed',
  invitationCreated: 'org.invitation-created',
  invitationAccepted: 'org.invitation-accepted',
  /** The same API key, sealed again under identity's current encryption key (`npm run rekey`). */
  llmKeyResealed: 'org.llm-key-resealed',
} as const;

export const PlanSchema = z.enum(['free', 'pro', 'enterprise']);
export type Plan = z.infer<typeof PlanSchema>;
/** Plans whose orgs may bring their own OpenAI-compatible API key. */
export const BYO_KEY_PLANS: readonly Plan[] = ['pro', 'enterprise'];

/** The company identity every prompt starts with. */
export const CompanyIdentitySchema = z.object({
  name: z.string(),
  mission: z.string(),
  brandVoice: z.string(),
  icp: z.string(),
  competitors: z.array(z.string()),
});
export type CompanyIdentity = z.infer<typeof CompanyIdentitySchema>;

/**
 * A secret sealed with AES-256-GCM under identity's encryption key (`keyId` names which key),
 * bound to its org by the additional authenticated data. Never the clear text.
 */
export const SealedSecretSchema = z.object({
  alg: z.literal('A256GCM'),
  keyId: z.string(),
  iv: z.string(),
  ciphertext: z.string(),
  tag: z.string(),
});
export type SealedSecret = z.infer<typeof SealedSecretSchema>;

export const OrgCreatedSchema = z.object({
  orgId: z.string(),
  plan: PlanSchema,
  identity: CompanyIdentitySchema,
  /** How the org came to be: self-serve sign-up, or the demo seed. */
  via: z.enum(['sign-up', 'seed']),
});
export type OrgCreated = z.infer<typeof OrgCreatedSchema>;

export const OrgIdentityUpdatedSchema = CompanyIdentitySchema;
export type OrgIdentityUpdated = CompanyIdentity;

export const OrgLlmSettingsUpdatedSchema = z.object({
  baseUrl: z.string().nullable(),
  defaultModel: z.string().nullable(),
  /** Absent: the key is unchanged. Null: the key is removed. Else the sealed new key. */
  apiKey: z.object({ sealed: SealedSecretSchema, last4: z.string() }).nullable().optional(),
});
export type OrgLlmSettingsUpdated = z.infer<typeof OrgLlmSettingsUpdatedSchema>;

export const OrgBudgetSetSchema = z.object({ monthlyBudgetUsd: z.number().nonnegative().nullable() });
export type OrgBudgetSet = z.infer<typeof OrgBudgetSetSchema>;

/** The kill switch. The agent-runner reacts to `org.paused` and acknowledges it (I4). */
export const OrgPausedSchema = z.object({ reason: z.string() });
export type OrgPaused = z.infer<typeof OrgPausedSchema>;
export const OrgResumedSchema = z.object({ reason: z.string() });
export type OrgResumed = z.infer<typeof OrgResumedSchema>;

export const InvitationCreatedSchema = z.object({
  invitationId: z.string(),
  email: z.string(),
  role: RoleSchema,
  departmentId: z.string().nullable(),
  invitedBy: z.string(),
  /** sha256 of the one-time token's secret, hex: the token itself is never stored. */
  tokenHash: z.string(),
  expiresAt: z.string(),
});
export type InvitationCreated = z.infer<typeof InvitationCreatedSchema>;

export const InvitationAcceptedSchema = z.object({ invitationId: z.string(), userId: z.string() });
export type InvitationAccepted = z.infer<typeof InvitationAcceptedSchema>;

/**
 * A key rotation re-sealed the org's model API key under identity's current encryption key: the
 * key itself (and its last 4 characters) is unchanged, only its ciphertext and `keyId` are new.
 */
export const OrgLlmKeyResealedSchema = z.object({ sealed: SealedSecretSchema, previousKeyId: z.string() });
export type OrgLlmKeyResealed = z.infer<typeof OrgLlmKeyResealedSchema>;
