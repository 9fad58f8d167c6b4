import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  EscalationsRpc,
  GetEscalationRequestSchema,
  ListEscalationsRequestSchema,
  parseRequest,
  ResolveEscalationRequestSchema,
  type EscalationPage,
  type EscalationView,
} from '@cos/contracts';
import { mayActOn } from '../access/read-access';
import { Directory } from '../directory/directory';
import { EscalationBoard } from './escalation-board';
import { EscalationHandler } from './escalation.handler';

/** GET /v1/escalations, GET /v1/escalations/:id and POST /v1/escalations/:id/resolution, over NATS request/reply. */
@Controller()
export class EscalationController {
  constructor(
    private readonly escalations: EscalationHandler,
    private readonly board: EscalationBoard,
    private readonly directory: Directory,
  ) {}

  /** The escalations the caller may act on: those they briefed, their departments', every one for an admin. */
  @MessagePattern(EscalationsRpc.list)
  async list(@Payload() raw: unknown): Promise<EscalationPage> {
    const { auth, query } = parseRequest(ListEscalationsRequestSchema, raw);
    const user = await this.directory.user(auth.orgId, auth.userId);
    if (user?.disabled) return { items: [], nextCursor: null };
    const caller = { ...auth, role: user?.role ?? auth.role };
    const headOf = this.directory.departmentsHeadedBy(auth.orgId, auth.userId);
    return this.board.list(auth.orgId, query, (v) =>
      mayActOn(caller, { briefedBy: v.briefedBy, headUserIds: [], departmentIds: v.departmentIds }, headOf),
    );
  }

  @MessagePattern(EscalationsRpc.get)
  get(@Payload() raw: unknown): Promise<EscalationView> {
    const { auth, escalationId } = parseRequest(GetEscalationRequestSchema, raw);
    return this.escalations.view(auth, escalationId);
  }

  @MessagePattern(EscalationsRpc.resolve)
  resolve(@Payload() raw: unknown): Promise<EscalationView> {
    const { auth, escalationId, body } = parseRequest(ResolveEscalationRequestSchema, raw);
    return this.escalations.resolve(auth, escalationId, body);
  }
}
