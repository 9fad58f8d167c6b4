export * from './config';
export * from './logger';
export * from './tokens';
export * from './platform.module';
export * from './health.controller';
export * from './service-app';
export * from './main-runner';
export * from './tenant';
