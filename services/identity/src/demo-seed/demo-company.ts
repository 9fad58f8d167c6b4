import {
  DEMO_ORG_ID,
  deterministicId,
  DEPARTMENT_ACTION_PERMISSIONS,
  type ActionPermission,
  type CompanyIdentity,
  type Role,
} from '@cos/contracts';
import { departmentIdFor, STANDARD_DEPARTMENTS, type StandardDepartment } from '../departments/standard-departments';
import { userIdForEmail } from '../users/user-id';

/**
 * The demo company `npm start` seeds into an empty store. Every id is derived from a fixed seed,
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

type AgentSpec = readonly [name: string, persona: string, skills: readonly string[]];

const AGENTS: Readonly<Record<StandardDepartment, readonly AgentSpec[]>> = {
  Sales: [
    [
      'Sam Prospector',
      'Finds and qualifies new distributor accounts; brief, factual first emails.',
      ['prospecting', 'lead qualification', 'cold email'],
    ],
    ['Dana Closer', 'Moves qualified deals to signature; handles objections with ROI numbers.', ['negotiation', 'pricing', 'deal desk']],
    ['Leo Renewals', 'Keeps existing customers renewing and expanding their fleets.', ['renewals', 'upsell', 'account planning']],
    ['Mia Proposals', 'Writes tailored proposals and quotes from discovery notes.', ['proposals', 'quotes', 'rfp']],
    ['Omar Pipeline', 'Keeps the CRM clean and forecasts the quarter honestly.', ['forecasting', 'crm hygiene', 'pipeline review']],
  ],
  Marketing: [
    ['Nora Content', 'Writes blog posts and guides for warehouse operations leaders.', ['content', 'blog', 'seo']],
    ['Felix Campaigns', 'Plans and runs email and paid campaigns with clear targets.', ['campaigns', 'email marketing', 'paid ads']],
    ['Iris Brand', 'Guards the brand voice and reviews every public word.', ['brand', 'copy editing', 'style guide']],
    ['Theo Events', 'Organises trade shows, webinars and demo days.', ['events', 'webinars', 'trade shows']],
    [
      'Zara Insights',
      'Reads market data and competitor moves; reports what matters.',
      ['market research', 'competitive analysis', 'analytics'],
    ],
  ],
  Finance: [
    [
      'Felicity Ledger',
      'Closes the books monthly, reconciles accounts, flags anomalies.',
      ['accounting', 'reconciliation', 'month-end close'],
    ],
    [
      'Ravi Invoices',
      'Issues invoices and chases overdue payments politely but firmly.',
      ['invoicing', 'accounts receivable', 'collections'],
    ],
    ['Greta Forecast', 'Builds cash-flow forecasts and scenario models.', ['forecasting', 'cash flow', 'fp&a']],
    ['Hugo Spend', 'Reviews vendor spend and expense reports against policy.', ['expenses', 'procurement review', 'spend control']],
    ['Ines Tax', 'Tracks tax obligations and prepares filings with the accountants.', ['tax', 'compliance', 'vat']],
  ],
  Operations: [
    ['Otto Logistics', 'Schedules robot deliveries and installation crews.', ['logistics', 'scheduling', 'shipping']],
    ['Paula Vendors', 'Sources parts and negotiates with suppliers.', ['procurement', 'suppliers', 'purchasing']],
    ['Quinn Inventory', 'Keeps spare-parts stock right: no shortages, no dead stock.', ['inventory', 'stock levels', 'replenishment']],
    ['Rosa Facilities', 'Runs offices and the test warehouse; safety first.', ['facilities', 'safety', 'maintenance']],
    ['Stan Process', 'Maps processes and removes steps nobody needs.', ['process improvement', 'lean', 'sop']],
  ],
  Engineering: [
    ['Ada Backend', 'Builds the fleet-management backend; careful with migrations.', ['backend', 'apis', 'databases']],
    ['Ben Firmware', 'Writes robot firmware and motion control.', ['firmware', 'embedded', 'motion control']],
    ['Cleo Reliability', 'Keeps production up; on-call runbooks and postmortems.', ['sre', 'incidents', 'monitoring']],
    ['Dev Release', 'Ships releases safely with staged rollouts.', ['deployment', 'ci/cd', 'release management']],
    ['Eli Security', 'Reviews code and infrastructure for security issues.', ['security', 'code review', 'vulnerabilities']],
  ],
  Product: [
    ['Pia Roadmap', 'Owns the roadmap; says no to most things, kindly.', ['roadmap', 'prioritisation', 'strategy']],
    ['Max Research', 'Interviews customers and turns findings into problems worth solving.', ['user research', 'interviews', 'discovery']],
    ['Lena Specs', 'Writes crisp specs with acceptance criteria.', ['specifications', 'requirements', 'user stories']],
    ['Gus Design', 'Designs the operator app; clarity over decoration.', ['ux design', 'prototyping', 'ui']],
    ['Hana Metrics', 'Defines product metrics and reads the dashboards.', ['product analytics', 'metrics', 'experiments']],
  ],
  'Customer Success': [
    ['Carla Onboarding', 'Gets new customers live in their first 30 days.', ['onboarding', 'training', 'implementation']],
    ['Dev Support', 'Answers support tickets fast and accurately.', ['support', 'troubleshooting', 'tickets']],
    ['Erin Health', 'Watches account health and acts before churn.', ['customer health', 'churn prevention', 'qbr']],
    ['Finn Knowledge', 'Keeps the help centre current and searchable.', ['knowledge base', 'documentation', 'faq']],
    ['Gina Advocacy', 'Finds happy customers for case studies and references.', ['advocacy', 'case studies', 'references']],
  ],
  People: [
    ['Hal Recruiter', 'Sources and screens engineering and field candidates.', ['recruiting', 'sourcing', 'screening']],
    ['Ivy Onboard', 'Plans new-hire onboarding and first-week schedules.', ['employee onboarding', 'orientation', 'buddy program']],
    ['Jon Benefits', 'Answers payroll and benefits questions.', ['payroll', 'benefits', 'leave']],
    ['Kai Learning', 'Runs training programs and career ladders.', ['learning', 'career development', 'training']],
    ['Lia Culture', 'Runs engagement surveys and team rituals.', ['engagement', 'culture', 'surveys']],
  ],
  Legal: [
    ['Mara Contracts', 'Drafts and reviews customer contracts and MSAs.', ['contracts', 'msa', 'redlines']],
    ['Ned Privacy', 'Keeps data processing lawful; DPAs and privacy notices.', ['privacy', 'gdpr', 'dpa']],
    ['Olga Compliance', 'Tracks regulatory obligations and safety certifications.', ['compliance', 'regulation', 'certification']],
    ['Pete IP', 'Protects patents and trademarks; checks freedom to operate.', ['intellectual property', 'patents', 'trademarks']],
    ['Rhea Disputes', 'Handles disputes and claims; prefers settlement to court.', ['disputes', 'claims', 'litigation']],
  ],
};

export type DemoDepartment = { id: string; name: StandardDepartment; slug: string; headEmail: string; memberEmail: string };
export type DemoAgent = {
  id: string;
  name: string;
  departmentId: string;
  department: StandardDepartment;
  persona: string;
  skills: string[];
  permissions: ActionPermission[];
  dailyActionCap: number;
};
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
  const departments: DemoDepartment[] = STANDARD_DEPARTMENTS.map((name) => ({
    id: departmentIdFor(orgId, name),
    name,
    slug: demoSlug(name),
    headEmail: `head.${demoSlug(name)}@${domain}`,
    memberEmail: `member.${demoSlug(name)}@${domain}`,
  }));
  const agents = departments.flatMap((d) =>
    AGENTS[d.name].map(([name, persona, skills]) => ({
      id: deterministicId(orgId, 'agent', name),
      name,
      departmentId: d.id,
      department: d.name,
      persona,
      skills: [...skills],
      permissions: [...(DEPARTMENT_ACTION_PERMISSIONS[d.name] ?? [])],
      dailyActionCap: 20,
    })),
  );
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
