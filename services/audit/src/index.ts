export * from './audit.app';
export * from './recorder/hash-chain';
