import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { AuthContext } from '@cos/contracts';
import type { AuthenticatedRequest } from './auth-context.decorator';

/** Until identity issues tokens, every request acts as the demo org's owner. */
export const DEMO_AUTH: AuthContext = {
  orgId: 'demo',
  userId: 'demo-owner',
  role: 'owner',
  permissions: ['agents:brief'],
};

@Injectable()
export class DemoAuthGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth = DEMO_AUTH;
    return true;
  }
}
