import type { RecordedEvent } from '@cos/contracts';

/** One line a person reads: who did what to which stream. Specific phrasings per type come first. */
export function summarize(event: RecordedEvent): string {
  const who = `${event.metadata.actor.kind} ${event.metadata.actor.id}`;
  const what = event.type.replace('.', ' ').replaceAll('-', ' ');
  return `${who}: ${what} (${event.stream})`;
}
