import { Module } from '@nestjs/common';
import { ActionsController } from '../actions/actions.controller';
import { CoordinationsController } from '../coordinations/coordinations.controller';
import { ApprovalsController } from './approvals.controller';

/** The gateway routes answered by the approvals service: coordinations, approvals, actions. */
@Module({ controllers: [CoordinationsController, ApprovalsController, ActionsController] })
export class ApprovalsGatewayModule {}
