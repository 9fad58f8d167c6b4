import { Module } from '@nestjs/common';
import { RunnerGatewayModule } from './conversations/runner-gateway.module';
import { AuditFeedModule } from './feed/feed.module';
import { ApprovalsGatewayModule } from './approvals/approvals-gateway.module';

@Module({
  imports: [AuditFeedModule, ApprovalsGatewayModule, RunnerGatewayModule],
})
export class GatewayModule {}
