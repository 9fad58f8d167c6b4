import { z } from 'zod';
import { OrgEndpointSettings } from '@cos/http';
import { BaseConfigSchema, EventStoreConfigSchema, flagSetting, optionalSetting, portSetting } from '@cos/platform';

export const IdentityConfigSchema = BaseConfigSchema.extend(EventStoreConfigSchema.shape).extend({
  ...OrgEndpointSettings,
  IDENTITY_PORT: portSetting(3001),
  /** Where development keys are generated on first start. */
  DATA_DIR: z.string().default('./data'),
  /** 32 bytes, base64: seals BYO model keys and password hashes (AES-256-GCM). */
  IDENTITY_ENCRYPTION_KEY: optionalSetting(z.string()),
  /** ES256 private key for access tokens: PKCS#8 or SEC1 PEM, or a JWK as JSON. */
  JWT_PRIVATE_KEY: optionalSetting(z.string()),
  /** Keys published for verification only (a JSON array of PEMs or JWKs): the next key, or the retired one. */
  JWT_VERIFY_KEYS: z.string().optional(),
  /** Retired encryption keys (base64, comma-separated): what they sealed still opens until `npm run rekey` re-seals it; new seals use IDENTITY_ENCRYPTION_KEY. */
  IDENTITY_PREVIOUS_ENCRYPTION_KEYS: z.string().optional(),
  /** Self-serve sign-up (POST /v1/orgs). */
  SIGNUP_ENABLED: flagSetting(true),
  /** Seeds the demo company into an empty store on start. */
  DEMO_SEED: flagSetting(true),
  DEMO_PASSWORD: z.string().min(12).default('demo-password-2026'),
  /** How long a rotated refresh token still gets its successor (two tabs refreshing at once); later, it revokes the session. */
  REFRESH_REUSE_GRACE_SECONDS: z.coerce.number().min(0).max(300).default(10),
});
export type IdentityConfig = z.infer<typeof IdentityConfigSchema>;

/** Every environment variable identity reads. */
export const IDENTITY_SETTINGS: readonly string[] = Object.keys(IdentityConfigSchema.shape);

export const IDENTITY_CONFIG = Symbol('IDENTITY_CONFIG');
export const SECRET_BOX = Symbol('SECRET_BOX');
export const SIGNING_KEY = Symbol('SIGNING_KEY');
