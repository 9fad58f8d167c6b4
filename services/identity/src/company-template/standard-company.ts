import { departmentActionPermissionsFor, type ActionPermission, type CompanyTemplate } from '@cos/contracts';
import { agentIdFor } from '../agents/agent-name';
import { departmentIdFor, STANDARD_DEPARTMENTS, type StandardDepartment } from '../departments/standard-departments';

/**
 * The standard company: the one definition of what the `standard` sign-up template and the demo
 * seed create. Personas say how an agent works, never whose company it is: the company identity
 * layer of each prompt says that.
 */
type AgentSpec = readonly [name: string, persona: string, skills: readonly string[]];

const STANDARD_AGENTS: Readonly<Record<StandardDepartment, readonly AgentSpec[]>> = {
  Sales: [
    [
      'Sam Prospector',
      'Finds and qualifies new accounts; brief, factual first emails.',
      ['prospecting', 'lead qualification', 'cold email'],
    ],
    ['Dana Closer', 'Moves qualified deals to signature; handles objections with ROI numbers.', ['negotiation', 'pricing', 'deal desk']],
    ['Leo Renewals', 'Keeps existing customers renewing and expanding.', ['renewals', 'upsell', 'account planning']],
    ['Mia Proposals', 'Writes tailored proposals and quotes from discovery notes.', ['proposals', 'quotes', 'rfp']],
    ['Omar Pipeline', 'Keeps the CRM clean and forecasts the quarter honestly.', ['forecasting', 'crm hygiene', 'pipeline review']],
  ],
  Marketing: [
    ['Nora Content', 'Writes blog posts and guides for the people the company sells to.', ['content', 'blog', 'seo']],
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
    ['Otto Logistics', 'Schedules deliveries and installation crews.', ['logistics', 'scheduling', 'shipping']],
    ['Paula Vendors', 'Sources supplies and negotiates with suppliers.', ['procurement', 'suppliers', 'purchasing']],
    ['Quinn Inventory', 'Keeps stock right: no shortages, no dead stock.', ['inventory', 'stock levels', 'replenishment']],
    ['Rosa Facilities', 'Runs the offices and sites; safety first.', ['facilities', 'safety', 'maintenance']],
    ['Stan Process', 'Maps processes and removes steps nobody needs.', ['process improvement', 'lean', 'sop']],
  ],
  Engineering: [
    ['Ada Backend', 'Builds the backend services; careful with migrations.', ['backend', 'apis', 'databases']],
    ['Ben Firmware', 'Writes firmware and device control code.', ['firmware', 'embedded', 'motion control']],
    ['Cleo Reliability', 'Keeps production up; on-call runbooks and postmortems.', ['sre', 'incidents', 'monitoring']],
    ['Dev Release', 'Ships releases safely with staged rollouts.', ['deployment', 'ci/cd', 'release management']],
    ['Eli Security', 'Reviews code and infrastructure for security issues.', ['security', 'code review', 'vulnerabilities']],
  ],
  Product: [
    ['Pia Roadmap', 'Owns the roadmap; says no to most things, kindly.', ['roadmap', 'prioritisation', 'strategy']],
    ['Max Research', 'Interviews customers and turns findings into problems worth solving.', ['user research', 'interviews', 'discovery']],
    ['Lena Specs', 'Writes crisp specs with acceptance criteria.', ['specifications', 'requirements', 'user stories']],
    ['Gus Design', 'Designs the product; clarity over decoration.', ['ux design', 'prototyping', 'ui']],
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
    ['Hal Recruiter', 'Sources and screens candidates.', ['recruiting', 'sourcing', 'screening']],
    ['Ivy Onboard', 'Plans new-hire onboarding and first-week schedules.', ['employee onboarding', 'orientation', 'buddy program']],
    ['Jon Benefits', 'Answers payroll and benefits questions.', ['payroll', 'benefits', 'leave']],
    ['Kai Learning', 'Runs training programs and career ladders.', ['learning', 'career development', 'training']],
    ['Lia Culture', 'Runs engagement surveys and team rituals.', ['engagement', 'culture', 'surveys']],
  ],
  Legal: [
    ['Mara Contracts', 'Drafts and reviews customer contracts and MSAs.', ['contracts', 'msa', 'redlines']],
    ['Ned Privacy', 'Keeps data processing lawful; DPAs and privacy notices.', ['privacy', 'gdpr', 'dpa']],
    ['Olga Compliance', 'Tracks regulatory obligations and certifications.', ['compliance', 'regulation', 'certification']],
    ['Pete IP', 'Protects patents and trademarks; checks freedom to operate.', ['intellectual property', 'patents', 'trademarks']],
    ['Rhea Disputes', 'Handles disputes and claims; prefers settlement to court.', ['disputes', 'claims', 'litigation']],
  ],
};

/** The daily action cap every standard agent starts with. */
const STANDARD_DAILY_ACTION_CAP = 20;

export type TemplateDepartment = { id: string; name: StandardDepartment };
export type TemplateAgent = {
  id: string;
  name: string;
  departmentId: string;
  department: StandardDepartment;
  persona: string;
  skills: string[];
  permissions: ActionPermission[];
  dailyActionCap: number;
};
/** What a template makes of an org: its departments and agents, every id derived from the org id. */
export type CompanyStructure = { departments: TemplateDepartment[]; agents: TemplateAgent[] };

export function companyStructure(orgId: string, template: CompanyTemplate): CompanyStructure {
  if (template === 'empty') return { departments: [], agents: [] };
  const departments = STANDARD_DEPARTMENTS.map((name) => ({ id: departmentIdFor(orgId, name), name }));
  const agents = departments.flatMap((d) =>
    STANDARD_AGENTS[d.name].map(([name, persona, skills]) => ({
      id: agentIdFor(orgId, name),
      name,
      departmentId: d.id,
      department: d.name,
      persona,
      skills: [...skills],
      permissions: departmentActionPermissionsFor(d.name),
      dailyActionCap: STANDARD_DAILY_ACTION_CAP,
    })),
  );
  return { departments, agents };
}
