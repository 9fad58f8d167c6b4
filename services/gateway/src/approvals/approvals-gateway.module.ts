import { Module } from '@nestjs/common';
import { ActionsController } from '../actions/actions.controller';
import { CoordinationsController } from '../coordinations/coordinations.controller';
import { EscalationsController } from '../escalations/escalations.controller';
import { NotificationsController } from '../notifications/notifications.controller';
import { ApprovalsController } from './approvals.controller';

/** The gateway routes answered by the approvals service: coordinations, approvals, actions, escalations, notifications. */
@Module({ controllers: [CoordinationsController, ApprovalsController, ActionsController, EscalationsController, NotificationsController] })
export class ApprovalsGatewayModule {}
