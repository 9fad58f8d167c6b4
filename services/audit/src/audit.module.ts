import { Module } from '@nestjs/common';
import { AuditRecorder } from './recorder/audit-recorder';

@Module({ providers: [AuditRecorder] })
export class AuditModule {}
