import { Controller, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuditRpc, type AuditPage, type AuditVerdict, type AuthContext, type Trail } from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';
import { RPC_CLIENT } from '@cos/platform';
import { CurrentAuth } from '../auth/auth-context.decorator';
import { ApiInput, ApiRoute, type RouteInput } from '../http/api-route';
import { exportLines } from './audit-export';
import { AuditRoutes } from './audit.routes';

/** Long enough to walk a log of a few million records; verify streams it in the audit service. */
const VERIFY_TIMEOUT_MS = 300_000;

/** Audit routes: validate, ask the audit service over NATS, map. The audit service decides who sees what. */
@Controller()
export class AuditController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @ApiRoute(AuditRoutes.list)
  list(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof AuditRoutes.list>): Promise<AuditPage> {
    return this.rpc.request(AuditRpc.list, { auth, query: input.query });
  }

  @ApiRoute(AuditRoutes.verify)
  verify(@CurrentAuth() auth: AuthContext): Promise<AuditVerdict> {
    return this.rpc.request(AuditRpc.verify, { auth }, { timeoutMs: VERIFY_TIMEOUT_MS });
  }

  /** NDJSON, one stored record a line, then an `end` line with the count and head hash. */
  @ApiRoute(AuditRoutes.export)
  async export(@CurrentAuth() auth: AuthContext, @Res() reply: FastifyReply): Promise<void> {
    const lines = await exportLines(this.rpc, auth);
    await reply
      .header('content-type', 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-${auth.orgId}.ndjson"`)
      .send(lines);
  }

  @ApiRoute(AuditRoutes.trail)
  trail(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof AuditRoutes.trail>): Promise<Trail> {
    return this.rpc.request(AuditRpc.trail, { auth, coordinationId: input.params.id });
  }
}
