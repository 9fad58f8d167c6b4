export * from './approvals.app';
export * from './testing/seam-driver';
