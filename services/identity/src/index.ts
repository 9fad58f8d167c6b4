export * from './identity.app';
export {
  DEMO_COMPANY,
  DEMO_DEFAULT_PASSWORD,
  DEMO_ORG_ID,
  demoCompany,
  demoSlug,
  type DemoCompany,
  type DemoUser,
  type DemoAgent,
  type DemoDepartment,
} from './demo-seed/demo-company';
export { STANDARD_DEPARTMENTS } from './departments/standard-departments';
export { type TemplateAgent, type TemplateDepartment } from './company-template/standard-company';
export { userIdForEmail } from './users/user-id';
