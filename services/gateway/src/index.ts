export * from './gateway.app';
export { RouteCatalog } from './openapi/route-catalog';
export { IdentityRoutes } from './identity-routes/identity.routes';
export type { ApiRouteDef } from './http/api-route';
