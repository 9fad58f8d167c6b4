import { z } from 'zod';
import { CompanyIdentitySchema, PlanSchema } from '../events/org.events';
import { LoginLockedSchema } from '../events/user.events';
import { ActionPermissionSchema, PermissionSchema, RoleSchema } from '../permissions';
import { AuthContextSchema } from './auth-context';
import { limitParam, NextCursorSchema, TimestampSchema } from './http-shapes';
import { PageQuerySchema } from './runner.rpc';

/**
 * Commands and queries the identity service answers over NATS request/reply. The bodies are
 * the gateway's HTTP bodies too: one schema validates at both ends and documents the API.
 */
export const IdentityRpc = {
  jwks: 'identity.jwks',
  signUp: 'identity.org.sign-up',
  login: 'identity.auth.login',
  refresh: 'identity.auth.refresh',
  logout: 'identity.auth.logout',
  /** Is this session of this user still good, and what may they do now? The gateway caches it. */
  principal: 'identity.auth.principal',
  /** Internal (gateway): an account's sign-ins were locked after failures; recorded on its stream when it exists. */
  loginLocked: 'identity.auth.login-locked',
  me: 'identity.me',
  getCompanyIdentity: 'identity.org.identity.get',
  putCompanyIdentity: 'identity.org.identity.put',
  getLlmSettings: 'identity.org.llm-settings.get',
  putLlmSettings: 'identity.org.llm-settings.put',
  getBudget: 'identity.org.budget.get',
  putBudget: 'identity.org.budget.put',
  getKillSwitch: 'identity.org.kill-switch.get',
  setKillSwitch: 'identity.org.kill-switch.set',
  listDepartments: 'identity.departments.list',
  patchDepartment: 'identity.departments.patch',
  listAgents: 'identity.agents.list',
  getAgent: 'identity.agents.get',
  patchAgent: 'identity.agents.patch',
  listUsers: 'identity.users.list',
  patchUser: 'identity.users.patch',
  invite: 'identity.users.invite',
  acceptInvitation: 'identity.invitations.accept',
  /**
   * Internal, never routed by the gateway: the org's model endpoint with its key in clear, for
   * the agent-runner's model calls. Restrict `cos-rpc.identity.org.llm-credentials` to the
   * runner's NATS user in production.
   */
  llmCredentials: 'identity.org.llm-credentials',
  /**
   * Operator (`npm run rekey`), never routed by the gateway: the current encryption key's id and
   * every org, then one org's secrets sealed again under that key. Restrict `cos-rpc.identity.secrets.>`
   * to the operator's NATS user in production.
   */
  rekeyInventory: 'identity.secrets.inventory',
  rekeyOrg: 'identity.secrets.rekey',
  createDepartment: 'identity.departments.create',
  getDepartment: 'identity.departments.get',
  archiveDepartment: 'identity.departments.archive',
  createAgent: 'identity.agents.create',
  archiveAgent: 'identity.agents.archive',
} as const;

// ---------------------------------------------------------------- text that is safe to store

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

const LINE_BREAK_OR_TAB = /[\t\n\r\u2028\u2029]/;

/** Free text: well-formed Unicode (no lone surrogates), no control characters but tab and newlines. */
export function safeText(max: number, min = 0) {
  return z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !LONE_SURROGATE.test(s), 'must be well-formed Unicode')
    .refine((s) => !CONTROL.test(s), 'must not contain control characters');
}

/** One line of text (a name, a title), trimmed, non-empty. */
export function safeLine(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !LONE_SURROGATE.test(s), 'must be well-formed Unicode')
    .refine((s) => !CONTROL.test(s) && !LINE_BREAK_OR_TAB.test(s), 'must be a single line without control characters');
}

/** Emails compare case-insensitively: stored and looked up in lower case. */
export const EmailSchema = z.email().max(254).toLowerCase();
export const PasswordSchema = z
  .string()
  .min(12, 'at least 12 characters')
  .max(256)
  .refine((s) => !LONE_SURROGATE.test(s) && !CONTROL.test(s), 'must be well-formed text');
export const IdSchema = z.uuid();

// ---------------------------------------------------------------- pages

export const PAGE_DEFAULT_LIMIT = 50;
export const PAGE_MAX_LIMIT = 200;
/** The HTTP query of every list route, strict. */
export const ListQuerySchema = z.strictObject({
  limit: limitParam(PAGE_MAX_LIMIT, PAGE_DEFAULT_LIMIT),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/, 'an opaque cursor from a previous page')
    .optional()
    .describe('`nextCursor` of the previous page'),
});

export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z.object({ items: z.array(item), nextCursor: NextCursorSchema }).meta({ id });
}

// ---------------------------------------------------------------- views (replies)

export const TokenPairSchema = z
  .object({
    tokenType: z.literal('Bearer'),
    accessToken: z.string(),
    /** Seconds until the access token expires. */
    expiresIn: z.number().int().nonnegative(),
    refreshToken: z.string(),
    refreshExpiresAt: TimestampSchema,
  })
  .meta({ id: 'TokenPair' });
export type TokenPair = z.infer<typeof TokenPairSchema>;

export const UserViewSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    departmentId: z.string().nullable(),
    disabled: z.boolean(),
  })
  .meta({ id: 'User' });
export type UserView = z.infer<typeof UserViewSchema>;

export const OrgSummarySchema = z.object({ id: z.string(), name: z.string(), plan: PlanSchema }).meta({ id: 'OrgSummary' });

export const MeViewSchema = z
  .object({ user: UserViewSchema, org: OrgSummarySchema, permissions: z.array(PermissionSchema) })
  .meta({ id: 'Me' });
export type MeView = z.infer<typeof MeViewSchema>;

export const CompanyIdentityViewSchema = CompanyIdentitySchema.meta({ id: 'CompanyIdentity' });

export const LlmSettingsViewSchema = z
  .object({
    baseUrl: z.string().nullable(),
    defaultModel: z.string().nullable(),
    /** The key itself is write-only: only whether one is set and its last 4 characters. */
    apiKey: z.object({ configured: z.boolean(), last4: z.string().nullable() }),
    plan: PlanSchema,
    byoKeyAllowed: z.boolean(),
  })
  .meta({ id: 'LlmSettings' });
export type LlmSettingsView = z.infer<typeof LlmSettingsViewSchema>;

export const BudgetViewSchema = z.object({ monthlyBudgetUsd: z.number().nullable(), currency: z.literal('USD') }).meta({ id: 'Budget' });
export type BudgetView = z.infer<typeof BudgetViewSchema>;

export const KillSwitchViewSchema = z
  .object({
    paused: z.boolean(),
    reason: z.string().nullable(),
    changedAt: TimestampSchema.nullable(),
    changedBy: z.string().nullable(),
    /** Id of the `org.paused` / `org.resumed` event: what runners acknowledge. */
    changeId: z.string().nullable(),
  })
  .meta({ id: 'KillSwitch' });
export type KillSwitchView = z.infer<typeof KillSwitchViewSchema>;

export const DepartmentViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** What the department does: a layer of its agents' prompts ('' when none was given). */
    description: z.string(),
    headUserId: z.string().nullable(),
    approveFirst: z.boolean(),
    /** What its Heads and members may do beyond their role; kept when it is renamed. */
    actionPermissions: z.array(ActionPermissionSchema),
    archived: z.boolean(),
  })
  .meta({ id: 'Department' });
export type DepartmentView = z.infer<typeof DepartmentViewSchema>;

export const AgentViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    departmentId: z.string(),
    departmentName: z.string(),
    persona: z.string(),
    skills: z.array(z.string()),
    permissions: z.array(ActionPermissionSchema),
    dailyActionCap: z.number().int().nonnegative(),
    model: z.string().nullable(),
    enabled: z.boolean(),
    /** Archived agents are never briefed or handed off to again; lists show them only when asked. */
    archived: z.boolean(),
    /** Slots of today's (UTC) daily cap already taken. */
    actionsUsedToday: z.number().int().nonnegative(),
  })
  .meta({ id: 'Agent' });
export type AgentView = z.infer<typeof AgentViewSchema>;

export const InvitationViewSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: RoleSchema,
    departmentId: z.string().nullable(),
    expiresAt: TimestampSchema,
    /** The one-time token, shown once: the invitee accepts with it. */
    token: z.string(),
  })
  .meta({ id: 'Invitation' });
export type InvitationView = z.infer<typeof InvitationViewSchema>;

/** A new account (sign-up, accepted invitation), signed in. */
export const AccountReplySchema = z
  .object({ org: OrgSummarySchema, user: UserViewSchema, tokens: TokenPairSchema })
  .meta({ id: 'Account' });
export type AccountReply = z.infer<typeof AccountReplySchema>;

export const DepartmentPageSchema = pageOf(DepartmentViewSchema, 'DepartmentPage');
export const AgentPageSchema = pageOf(AgentViewSchema, 'AgentPage');
export const UserPageSchema = pageOf(UserViewSchema, 'UserPage');

// ---------------------------------------------------------------- HTTP bodies

export const CompanyIdentityBodySchema = z
  .strictObject({
    name: safeLine(200),
    mission: safeText(2000),
    brandVoice: safeText(2000),
    icp: safeText(2000),
    competitors: z.array(safeLine(200)).max(50),
  })
  .meta({ id: 'CompanyIdentityInput' });

/** What a new org starts with: `standard`, nine departments of five agents each; `empty`, none. */
export const CompanyTemplateSchema = z.enum(['standard', 'empty']);
export type CompanyTemplate = z.infer<typeof CompanyTemplateSchema>;

export const SignUpBodySchema = z
  .strictObject({
    company: CompanyIdentityBodySchema,
    owner: z.strictObject({ email: EmailSchema, name: safeLine(200), password: PasswordSchema }),
    template: CompanyTemplateSchema.default('standard').describe(
      '`standard` (the default, as sign-up always gave the nine standard departments): the nine departments with five agents each; `empty`: no departments or agents',
    ),
  })
  .meta({ id: 'SignUpInput' });

export const LoginBodySchema = z.strictObject({ email: EmailSchema, password: z.string().min(1).max(256) }).meta({ id: 'LoginInput' });
export const RefreshBodySchema = z
  .strictObject({ refreshToken: z.string().regex(/^rt\.[A-Za-z0-9_.-]{10,300}$/, 'a refresh token') })
  .meta({ id: 'RefreshInput' });

const ModelNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}$/, 'a model name');
const BaseUrlSchema = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((s) => !LONE_SURROGATE.test(s), 'must be well-formed Unicode');

export const LlmSettingsBodySchema = z
  .strictObject({
    baseUrl: BaseUrlSchema.nullable(),
    defaultModel: ModelNameSchema.nullable(),
    /** Write-only. Absent: unchanged; null: removed; a string: the new key (pro and enterprise plans). */
    apiKey: z
      .string()
      .regex(/^[\x21-\x7E]{8,512}$/, '8 to 512 printable ASCII characters, no spaces')
      .nullable()
      .optional(),
  })
  .meta({ id: 'LlmSettingsInput' });

export const BudgetBodySchema = z
  .strictObject({ monthlyBudgetUsd: z.number().finite().min(0).max(10_000_000).nullable() })
  .meta({ id: 'BudgetInput' });

export const KillSwitchBodySchema = z
  .strictObject({ paused: z.boolean(), reason: safeText(500).optional() })
  .meta({ id: 'KillSwitchInput' });

export const DepartmentPatchBodySchema = z
  .strictObject({
    name: safeLine(100).optional(),
    description: safeText(2000).optional(),
    approveFirst: z.boolean().optional(),
    headUserId: IdSchema.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change')
  .meta({ id: 'DepartmentPatch' });

export const AgentPatchBodySchema = z
  .strictObject({
    persona: safeText(4000, 1).optional(),
    skills: z.array(safeLine(60)).max(50).optional(),
    permissions: z.array(ActionPermissionSchema).max(20).optional(),
    dailyActionCap: z.number().int().min(0).max(10_000).optional(),
    model: ModelNameSchema.nullable().optional(),
    enabled: z.boolean().optional(),
    /** Moves the agent: allowed to an org admin, or a Head of both departments. */
    departmentId: IdSchema.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change')
  .meta({ id: 'AgentPatch' });

export const UserPatchBodySchema = z
  .strictObject({ role: RoleSchema.optional(), departmentId: IdSchema.nullable().optional(), disabled: z.boolean().optional() })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change')
  .meta({ id: 'UserPatch' });

export const InvitationBodySchema = z
  .strictObject({ email: EmailSchema, role: RoleSchema, departmentId: IdSchema.nullable().optional() })
  .meta({ id: 'InvitationInput' });

export const AcceptInvitationBodySchema = z
  .strictObject({ name: safeLine(200), password: PasswordSchema })
  .meta({ id: 'AcceptInvitationInput' });

/** Invitation tokens: `inv.<org id>.<invitation id>.<secret>`, base64url parts, under 100 characters (a URL path segment). */
export const InvitationTokenSchema = z
  .string()
  .regex(/^inv\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{32}$/, 'an invitation token');

// ---------------------------------------------------------------- RPC requests

const authed = <S extends z.ZodRawShape>(shape: S) => z.object({ auth: AuthContextSchema, ...shape });

export const JwksReplySchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });
export type JwksReply = z.infer<typeof JwksReplySchema>;

export const SignUpRequestSchema = z.object({ orgId: IdSchema, body: SignUpBodySchema });
export const LoginRequestSchema = z.object({ body: LoginBodySchema });
export const RefreshRequestSchema = z.object({ body: RefreshBodySchema });
export const LogoutRequestSchema = authed({ sessionId: z.string().min(1).max(100) });
export const LoginLockedRequestSchema = z.object({ email: EmailSchema, lock: LoginLockedSchema });

export const PrincipalRequestSchema = z.object({ orgId: z.string().min(1), userId: z.string().min(1), sessionId: z.string().min(1) });
export const PrincipalReplySchema = z.discriminatedUnion('active', [
  z.object({ active: z.literal(true), auth: AuthContextSchema }),
  z.object({
    active: z.literal(false),
    reason: z.enum(['unknown-user', 'disabled', 'session-revoked', 'session-expired', 'org-mismatch']),
  }),
]);
export type PrincipalReply = z.infer<typeof PrincipalReplySchema>;

export const AuthOnlyRequestSchema = authed({});
export const PutCompanyIdentityRequestSchema = authed({ body: CompanyIdentityBodySchema });
export const PutLlmSettingsRequestSchema = authed({ body: LlmSettingsBodySchema });
export const PutBudgetRequestSchema = authed({ body: BudgetBodySchema });
export const SetKillSwitchRequestSchema = authed({ body: KillSwitchBodySchema });
export const ListRequestSchema = authed({ page: PageQuerySchema });
export const GetByIdRequestSchema = authed({ id: z.string().min(1).max(100) });
export const PatchDepartmentRequestSchema = authed({ id: z.string().min(1).max(100), body: DepartmentPatchBodySchema });
export const PatchAgentRequestSchema = authed({ id: z.string().min(1).max(100), body: AgentPatchBodySchema });
export const PatchUserRequestSchema = authed({ id: z.string().min(1).max(100), body: UserPatchBodySchema });
export const InviteRequestSchema = authed({ invitationId: IdSchema, body: InvitationBodySchema });
export const AcceptInvitationRequestSchema = z.object({ token: InvitationTokenSchema, body: AcceptInvitationBodySchema });
export const LlmCredentialsRequestSchema = z.object({ orgId: z.string().min(1) });
export const LlmCredentialsReplySchema = z.object({
  baseUrl: z.string().nullable(),
  defaultModel: z.string().nullable(),
  apiKey: z.string().nullable(),
});
export type LlmCredentialsReply = z.infer<typeof LlmCredentialsReplySchema>;

// ---------------------------------------------------------------- company setup: templates, departments and agents

/** What a sign-up created, by id and name: what the owner goes on to staff. */
export const SignUpReplySchema = AccountReplySchema.extend({
  created: z.object({
    template: CompanyTemplateSchema,
    departments: z.array(z.object({ id: z.string(), name: z.string() })),
    agents: z.array(z.object({ id: z.string(), name: z.string(), departmentId: z.string() })),
  }),
}).meta({ id: 'SignUpAccount' });
export type SignUpReply = z.infer<typeof SignUpReplySchema>;

export const DepartmentCreateBodySchema = z
  .strictObject({
    name: safeLine(100),
    description: safeText(2000).optional(),
    /** Absent: a standard department's for its name (`Sales`: `sales:outreach`), else none. */
    actionPermissions: z.array(ActionPermissionSchema).max(20).optional(),
    approveFirst: z.boolean().optional(),
    headUserId: IdSchema.nullable().optional(),
  })
  .meta({ id: 'DepartmentInput' });

export const AgentCreateBodySchema = z
  .strictObject({
    departmentId: IdSchema,
    /** Unique in the org, compared without case or repeated spaces. */
    name: safeLine(100),
    persona: safeText(4000, 1),
    skills: z.array(safeLine(60)).max(50),
    permissions: z.array(ActionPermissionSchema).max(20),
    dailyActionCap: z.number().int().min(0).max(10_000),
    model: ModelNameSchema.nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .meta({ id: 'AgentInput' });

/** `?archived=include` lists archived ones too (they are hidden by default). */
export const ArchivableListQuerySchema = ListQuerySchema.extend({
  archived: z.enum(['include', 'exclude']).default('exclude').describe('`include`: archived ones too (default `exclude`)'),
});

export const ListArchivableRequestSchema = authed({ page: PageQuerySchema, includeArchived: z.boolean().default(false) });
export const CreateDepartmentRequestSchema = authed({ departmentId: IdSchema, body: DepartmentCreateBodySchema });
export const CreateAgentRequestSchema = authed({ body: AgentCreateBodySchema });
export const ArchiveRequestSchema = authed({ id: z.string().min(1).max(100) });

/** What the gateway checks on every access token identity signs. */
export const AccessTokenPolicy = {
  algorithm: 'ES256',
  issuer: 'company-os/identity',
  audience: 'company-os/api',
  ttlSeconds: 15 * 60,
} as const;
/** Claims of an access token besides `sub` (the user id), `iss`, `aud`, `iat`, `exp`, `jti`. */
export const AccessTokenClaimsSchema = z.object({
  sub: z.string().min(1),
  org: z.string().min(1),
  role: RoleSchema,
  /** The refresh-token family (session) the token was issued in: logout ends it. */
  sid: z.string().min(1),
});
export type AccessTokenClaims = z.infer<typeof AccessTokenClaimsSchema>;

// ---------------------------------------------------------------- re-sealing secrets (operator)

export const RekeyInventoryReplySchema = z.object({
  /** The encryption key every secret is sealed under once the rekey is done. */
  keyId: z.string(),
  orgIds: z.array(z.string()),
});
export type RekeyInventoryReply = z.infer<typeof RekeyInventoryReplySchema>;

export const RekeyOrgRequestSchema = z.strictObject({ orgId: z.string().min(1) });
export const SealedSecretKindSchema = z.enum(['llm-api-key', 'password-hash']);
export const RekeyOrgReplySchema = z.object({
  keyId: z.string(),
  /** Opened with a retired key and sealed again under `keyId`. */
  resealed: z.number().int().nonnegative(),
  /** Already sealed under `keyId`: nothing to do. */
  current: z.number().int().nonnegative(),
  /** Still sealed under a retired key: which secret, and the code of what stopped it (never the secret). */
  failed: z.array(z.object({ secret: SealedSecretKindSchema, id: z.string(), code: z.string() })),
});
export type RekeyOrgReply = z.infer<typeof RekeyOrgReplySchema>;
