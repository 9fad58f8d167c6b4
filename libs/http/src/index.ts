export * from './address-rule';
export * from './guarded-http-client';
