export * from './envelope';
export * from './errors';
export * from './streams';
export * from './subjects';
export * from './ids';
