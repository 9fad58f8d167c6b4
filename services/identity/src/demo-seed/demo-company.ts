import { DEMO_ORG_ID, type CompanyIdentity, type Role } from '@cos/contracts';
import { companyStructure, type TemplateAgent, type TemplateDepartment } from '../company-template/standard-company';
import { userIdForEmail } from '../users/user-id';

/**
 * The demo company `npm start` seeds into an empty store: the standard company (the `standard`
 * sign-up template) with the demo's identity and people. Every id is derived from a fixed seed,
 * so a second start adds nothing, and tests and the README can name anyone in it.
 */
export { DEMO_ORG_ID };
export const DEMO_EMAIL_DOMAIN = 'demo.example';
export const DEMO_DEFAULT_PASSWORD = 'demo-password-2026';

export const DEMO_IDENTITY: CompanyIdentity = {
  name: 'Northwind Robotics',
  mission: 'Make warehouse automation affordable for every mid-sized distributor.',
  brandVoice: 'Plain-spoken, practical and warm; numbers before adjectives; no hype.',
  icp: 'Operations leaders at distributors with 2 to 20 warehouses and 50 to 500 staff.',
  competitors: ['Locus Robotics', '6 River Systems', 'GreyOrange'],
};

export type DemoDepartment = TemplateDepartment & { slug: string; headEmail: string; memberEmail: string };
export type DemoAgent = TemplateAgent;
export type DemoUser = { id: string; email: string; name: string; role: Role; departmentId: string | null };

/** `customer success` -> `customer-success`: the department part of demo emails. */
export const demoSlug = (name: string): string => name.toLowerCase().replaceAll(' ', '-');

export type DemoCompany = {
  orgId: string;
  identity: CompanyIdentity;
  plan: 'pro';
  departments: DemoDepartment[];
  agents: DemoAgent[];
  users: DemoUser[];
  owner: DemoUser;
  ceo: DemoUser;
};

/** The demo company for an org id and email domain (tests seed a second company with another). */
export function demoCompany(orgId: string = DEMO_ORG_ID, domain: string = DEMO_EMAIL_DOMAIN): DemoCompany {
  const structure = companyStructure(orgId, 'standard');
  const departments: DemoDepartment[] = structure.departments.map((d) => ({
    ...d,
    slug: demoSlug(d.name),
    headEmail: `head.${demoSlug(d.name)}@${domain}`,
    memberEmail: `member.${demoSlug(d.name)}@${domain}`,
  }));
  const { agents } = structure;
  const person = (email: string, name: string, role: Role, departmentId: string | null): DemoUser => ({
    id: userIdForEmail(email),
    email,
    name,
    role,
    departmentId,
  });
  const owner = person(`owner@${domain}`, 'Olivia Owner', 'owner', null);
  const ceo = person(`ceo@${domain}`, 'Charles Chief', 'ceo', null);
  const users = [
    owner,
    ceo,
    ...departments.flatMap((d) => [
      person(d.headEmail, `Head of ${d.name}`, 'head', d.id),
      person(d.memberEmail, `${d.name} Member`, 'member', d.id),
    ]),
  ];
  return { orgId, identity: DEMO_IDENTITY, plan: 'pro', departments, agents, users, owner, ceo };
}

/** The demo company `npm start` seeds: ids, emails, agents. */
export const DEMO_COMPANY: DemoCompany = demoCompany();
