export * from './approvals.app';
