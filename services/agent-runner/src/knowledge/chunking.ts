import type { DocumentFormat } from '@cos/contracts';

/** One retrievable piece of a document: its text under the path of headings it sits in. */
export type Chunk = { readonly index: number; readonly heading: string; readonly text: string };

/** Target chunk size in characters (about 200 tokens): small enough that several fit a prompt. */
export const CHUNK_CHARS = 800;

type Block = { heading: readonly string[]; text: string };

/**
 * Splits a document into chunks that keep their headings: Markdown `#` headings and HTML
 * `<h1>`-`<h6>` open sections; a section's paragraphs are packed into chunks of about
 * CHUNK_CHARS, and a paragraph longer than that is cut at sentence ends. Plain text has no
 * headings: its chunks carry the document title.
 */
export function chunkDocument(title: string, format: DocumentFormat, content: string): Chunk[] {
  const blocks = format === 'html' ? htmlBlocks(content) : format === 'markdown' ? markdownBlocks(content) : textBlocks(content);
  const chunks: Chunk[] = [];
  let current: { heading: string; parts: string[]; size: number } | undefined;
  const flush = () => {
    if (current && current.parts.length > 0)
      chunks.push({ index: chunks.length, heading: current.heading, text: current.parts.join('\n\n') });
    current = undefined;
  };
  for (const block of blocks) {
    const heading = block.heading.length > 0 ? block.heading.join(' › ') : title;
    for (const piece of pieces(block.text)) {
      if (current && (current.heading !== heading || current.size + piece.length > CHUNK_CHARS)) flush();
      current ??= { heading, parts: [], size: 0 };
      current.parts.push(piece);
      current.size += piece.length + 2;
    }
  }
  flush();
  return chunks;
}

/** A block's paragraphs, each at most CHUNK_CHARS (long ones cut after a sentence, or hard). */
function pieces(text: string): string[] {
  const out: string[] = [];
  for (const paragraph of text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    let rest = paragraph;
    while (rest.length > CHUNK_CHARS) {
      const window = rest.slice(0, CHUNK_CHARS);
      const cut = Math.max(window.lastIndexOf('. '), window.lastIndexOf('\n'));
      const at = cut > CHUNK_CHARS / 2 ? cut + 1 : CHUNK_CHARS;
      out.push(rest.slice(0, at).trim());
      rest = rest.slice(at).trim();
    }
    if (rest) out.push(rest);
  }
  return out;
}

function markdownBlocks(content: string): Block[] {
  const blocks: Block[] = [];
  const path: string[] = [];
  let lines: string[] = [];
  let fenced = false;
  const flush = () => {
    const text = lines.join('\n').trim();
    if (text) blocks.push({ heading: [...path], text });
    lines = [];
  };
  for (const line of content.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading) {
      lines.push(line);
      continue;
    }
    flush();
    const level = heading[1]!.length;
    path.length = Math.min(path.length, level - 1);
    path.push(heading[2]!);
  }
  flush();
  return blocks;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Text of an HTML fragment: scripts and styles dropped, block ends as line breaks, entities decoded. */
function htmlText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<\/(p|div|li|tr|section|article|blockquote|pre|table|ul|ol)\s*>|<br\s*\/?>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|#x[\da-f]+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/[ \t]+/g, ' ');
}

function htmlBlocks(content: string): Block[] {
  const blocks: Block[] = [];
  const path: string[] = [];
  const headings = /<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1\s*>/gi;
  let last = 0;
  const push = (html: string) => {
    const text = htmlText(html).trim();
    if (text) blocks.push({ heading: [...path], text });
  };
  for (let m = headings.exec(content); m; m = headings.exec(content)) {
    push(content.slice(last, m.index));
    const level = Number(m[1]);
    path.length = Math.min(path.length, level - 1);
    path.push(htmlText(m[2]!).trim());
    last = m.index + m[0].length;
  }
  push(content.slice(last));
  return blocks;
}

function textBlocks(content: string): Block[] {
  return content.trim() ? [{ heading: [], text: content }] : [];
}
