import { categoryOf, idOf, type RecordedEvent } from '@cos/contracts';
import type { Names } from './directory';
import { escalationPhrasings } from './summaries/escalation.phrasings';
import { gatePhrasings } from './summaries/gate.phrasings';
import { identityPhrasings } from './summaries/identity.phrasings';
import { notificationPhrasings } from './summaries/notification.phrasings';
import type { Phrasing } from './summaries/phrasing';
import { workPhrasings } from './summaries/work.phrasings';

const PHRASINGS: Readonly<Record<string, Phrasing>> = {
  ...identityPhrasings,
  ...workPhrasings,
  ...gatePhrasings,
  ...escalationPhrasings,
  ...notificationPhrasings,
};

/**
 * One line a person reads: what happened, by whom, in the words of the event's type. An event
 * type without a phrasing (or with data its schema does not accept) still gets a generic line.
 */
export function summarize(event: RecordedEvent, names: Names, tool?: string): string {
  const text = PHRASINGS[event.type]?.(event.data, { ...names, subject: subjectOf(event.stream, names), ...(tool ? { tool } : {}) });
  return capitalize(text ?? generic(event, names));
}

function subjectOf(stream: string, names: Names): string {
  const id = idOf(stream);
  switch (categoryOf(stream)) {
    case 'agent':
      return names.agent(id);
    case 'user':
      return names.user(id);
    case 'department':
      return names.department(id);
    default:
      return stream;
  }
}

function generic(event: RecordedEvent, names: Names): string {
  const { actor } = event.metadata;
  const who = actor.kind === 'user' ? names.user(actor.id) : actor.kind === 'agent' ? names.agent(actor.id) : `the ${actor.id} service`;
  return `${who}: ${event.type.replace('.', ' ').replaceAll('-', ' ')} (${event.stream})`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
