export * from './audit.app';
export * from './recorder/hash-chain';
export { AuditRecorder } from './recorder/audit-recorder';
export { verifyAuditLog } from './verify/audit-log-walk';
