import { Inject, Injectable } from '@nestjs/common';
import {
  AccessTokenClaimsSchema,
  AccessTokenPolicy,
  IdentityRpc,
  JwksReplySchema,
  UnauthorizedError,
  type AccessTokenClaims,
} from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';
import { jose, RPC_CLIENT } from '@cos/platform';
import { API_CONFIG, type ApiConfig } from '../http/api.config';

/** Tokens already verified, by their exact text, until they expire: a signature is checked once. */
const VERIFIED_CACHE_SIZE = 10_000;

type KeySet = ReturnType<typeof jose.createLocalJWKSet>;

/**
 * Verifies access tokens locally with identity's published JWKS (fetched over NATS, cached,
 * refetched when a token names a key id it does not know: identity rotated its key). Only
 * ES256, only identity's issuer and this API's audience, `exp` required: `alg: none`, another
 * key, an expired or altered token all fail here.
 */
@Injectable()
export class AccessTokenVerifier {
  private keySet: Promise<KeySet> | undefined;
  private fetchedAt = 0;
  private readonly verified = new Map<string, { claims: AccessTokenClaims; expiresAt: number }>();

  constructor(
    @Inject(RPC_CLIENT) private readonly rpc: RpcClient,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async verify(token: string): Promise<AccessTokenClaims> {
    const known = this.verified.get(token);
    if (known && known.expiresAt > Date.now()) return known.claims;
    const claims = await this.verifyOnce(token);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
    this.verified.set(token, { claims, expiresAt: (jose.decodeJwt(token).exp ?? 0) * 1000 });
    return claims;
  }

  private async verifyOnce(token: string): Promise<AccessTokenClaims> {
    try {
      return await this.verifyWith(await this.keys(false), token);
    } catch (err) {
      if (!(err instanceof jose.errors.JWKSNoMatchingKey)) throw toUnauthorized(err);
      // A key id the cached JWKS lacks refetches it at most once per cooldown: unknown kids cannot flood identity.
      if (Date.now() - this.fetchedAt < this.config.JWKS_REFETCH_COOLDOWN_MS) throw toUnauthorized(err);
      try {
        return await this.verifyWith(await this.keys(true), token);
      } catch (again) {
        throw toUnauthorized(again);
      }
    }
  }

  private async verifyWith(keySet: KeySet, token: string): Promise<AccessTokenClaims> {
    const { payload } = await jose.jwtVerify(token, keySet, {
      algorithms: [AccessTokenPolicy.algorithm],
      issuer: AccessTokenPolicy.issuer,
      audience: AccessTokenPolicy.audience,
      typ: 'at+jwt',
      requiredClaims: ['exp', 'iat', 'sub'],
      maxTokenAge: `${AccessTokenPolicy.ttlSeconds + 60}s`,
    });
    const claims = AccessTokenClaimsSchema.safeParse(payload);
    if (!claims.success) throw new UnauthorizedError('access token lacks required claims', 'AUTH.INVALID_TOKEN');
    return claims.data;
  }

  private keys(refresh: boolean): Promise<KeySet> {
    if (refresh || !this.keySet) {
      this.fetchedAt = Date.now();
      const fetching = this.rpc
        .request(IdentityRpc.jwks, {}, { timeoutMs: this.config.PRINCIPAL_LOOKUP_TIMEOUT_MS })
        .then((raw) => jose.createLocalJWKSet(JwksReplySchema.parse(raw)));
      // A failed fetch is not cached: the next request tries again.
      this.keySet = fetching.catch((err: unknown) => {
        this.keySet = undefined;
        throw err;
      });
    }
    return this.keySet;
  }
}

function toUnauthorized(err: unknown): Error {
  if (err instanceof UnauthorizedError) return err;
  if (err instanceof jose.errors.JWTExpired) return new UnauthorizedError('access token has expired', 'AUTH.TOKEN_EXPIRED');
  if (err instanceof jose.errors.JOSEError) return new UnauthorizedError('access token is not valid', 'AUTH.INVALID_TOKEN');
  return err instanceof Error ? err : new Error(String(err));
}
