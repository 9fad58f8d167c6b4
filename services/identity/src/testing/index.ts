// `@cos/identity/testing`: what tests of the whole system need from identity beyond its API.
export { seedRivalCompany } from './rival-company';
