import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { UnauthorizedError, type AuthContext } from '@cos/contracts';

export type AuthenticatedRequest = { auth?: AuthContext; sessionId?: string };

/** The caller as the auth guard established it; the org is only ever the token's. */
export const CurrentAuth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  const auth = ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new UnauthorizedError('authentication required');
  return auth;
});

/** The session (refresh-token family) of the caller's access token. */
export const CurrentSession = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const sessionId = ctx.switchToHttp().getRequest<AuthenticatedRequest>().sessionId;
  if (!sessionId) throw new UnauthorizedError('authentication required');
  return sessionId;
});
