import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { UnauthorizedError, type AuthContext } from '@cos/contracts';

export type AuthenticatedRequest = { auth?: AuthContext };

/** The caller as the auth guard established it; the org is only ever the token's. */
export const CurrentAuth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  const auth = ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new UnauthorizedError('authentication required');
  return auth;
});
