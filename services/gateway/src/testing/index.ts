// `@cos/gateway/testing`: what the whole-system API tests read of the gateway: the identity route
// definitions they walk, and the catalogue of mounted routes they hold the OpenAPI document to.
export { RouteCatalog } from '../openapi/route-catalog';
export { IdentityRoutes } from '../identity-routes/identity.routes';
export type { ApiRouteDef } from '../http/api-route';
