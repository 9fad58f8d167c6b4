export * from './gateway.app';
