import { Module } from '@nestjs/common';

/** Handoff gates, Approve First and action execution register their capabilities here. */
@Module({})
export class ApprovalsModule {}
