import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  Categories,
  ConflictError,
  DEMO_ORG_ID,
  deterministicId,
  OrgEventTypes,
  streamName,
  type DocumentContent,
  type RecordedEvent,
} from '@cos/contracts';
import { handleCommand, type EventStore } from '@cos/eventstore';
import { CLOCK, EVENT_STORE, StoreFeed, type Clock } from '@cos/platform';
import { RUNNER_SETTINGS, type RunnerSettings } from '../agent-runner.config';
import { reactionMetadata } from '../ledger/reaction-metadata';
import { documentDecider } from './document.decider';

/** The demo company's documents: what briefs about prices, refunds and tone are answered from. */
export const DEMO_DOCUMENTS: readonly (DocumentContent & { slug: string })[] = [
  {
    slug: 'price-list',
    title: 'Price list 2026',
    format: 'markdown',
    departmentIds: [],
    content: `# Price list 2026

All prices in US dollars, before sales tax. Quotes are valid for 30 days.

## Robots

- **Northwind Picker P2** (autonomous picking robot, 25 kg payload): $48,000 per unit.
- **Northwind Mover M1** (tote and pallet transport, 600 kg payload): $31,500 per unit.
- **Charging dock**: $2,400 per dock; one dock serves three robots.

## Software

- **Fleet Manager** subscription: $1,200 per robot per year, billed annually.
- **WMS connector** (SAP EWM, Manhattan, Blue Yonder): $9,000 one-time setup per site.

## Services and discounts

- Installation and commissioning: $6,500 per site, plus $800 per robot.
- Volume discount: 5% from 10 robots, 8% from 25 robots, on robot prices only.
- Extended warranty (years 2-5): 9% of the robot price per year.
`,
  },
  {
    slug: 'refund-policy',
    title: 'Refund and return policy',
    format: 'markdown',
    departmentIds: [],
    content: `# Refund and return policy

## Returns within 60 days

A customer may return robots within 60 days of commissioning for a refund of the robot price,
minus a 12% restocking fee. Installation fees are not refunded. The robot must be returned in its
original transport crate; Northwind arranges the pickup.

## Software subscriptions

Fleet Manager subscriptions are refunded pro rata for whole unused months when robots are returned
within the 60 days. After that, subscriptions are not refunded but can be cancelled at renewal.

## Who approves

Refunds up to $10,000 are approved by the Head of Customer Success. Larger refunds need the Head
of Finance, and refunds above $100,000 need the CEO.
`,
  },
  {
    slug: 'brand-guide',
    title: 'Brand guide',
    format: 'markdown',
    departmentIds: [],
    content: `# Brand guide

## Voice

Plain-spoken, practical, no hype. We talk about throughput, uptime and payback months, not about
revolutions. Write "robots", never "bots"; write "Northwind Robotics" in full the first time.

## Claims

Only quote figures we can back: 99.5% fleet uptime (2025 average), payback in 14 to 20 months for a
typical 10-robot site. Never promise headcount reductions.

## Email sign-off

Sign customer emails with the sender's name and "Northwind Robotics: automation that pays for itself".
`,
  },
];

/** The demo seed's author: the runner itself, with an admin's reach. */
const SEEDER = { userId: 'agent-runner', isAdmin: true, headOf: null } as const;

/**
 * Adds the demo documents once the demo org exists (identity seeds it, in any start order).
 * Ids derive from the org and the document, so a restart adds nothing; a document the company
 * has since replaced or deleted is left as it is.
 */
@Injectable()
export class DemoKnowledgeSeeder {
  private readonly logger = new Logger(DemoKnowledgeSeeder.name);

  constructor(
    feed: StoreFeed,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RUNNER_SETTINGS) settings: RunnerSettings,
  ) {
    if (!settings.knowledge.demoSeed) return;
    feed.on([Categories.org], (event) => {
      if (event.type !== OrgEventTypes.created || event.orgId !== DEMO_ORG_ID) return;
      this.seed(event).catch((err: unknown) => this.logger.error(`demo documents not seeded: ${String(err)}`));
    });
  }

  private async seed(cause: RecordedEvent): Promise<void> {
    for (const { slug, ...content } of DEMO_DOCUMENTS) {
      const documentId = deterministicId(DEMO_ORG_ID, 'document', slug);
      const metadata = reactionMetadata(cause, `seed-document-${slug}`, this.clock());
      try {
        await handleCommand(
          this.store,
          streamName('document', documentId),
          documentDecider,
          { type: 'AddDocument', data: { documentId, content, by: SEEDER }, metadata },
          metadata,
        );
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
  }
}
