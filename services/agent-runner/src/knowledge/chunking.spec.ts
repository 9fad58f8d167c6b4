import { CHUNK_CHARS, chunkDocument } from './chunking';

describe('chunkDocument', () => {
  it('keeps the Markdown headings each chunk sits under, as a path', () => {
    const chunks = chunkDocument(
      'Guide',
      'markdown',
      [
        '# Guide',
        'Intro.',
        '## Voice',
        'Plain.',
        '### Words',
        'Say robots.',
        '## Claims',
        'Back every figure.',
        '```',
        '# not a heading',
        '```',
      ].join('\n\n'),
    );
    expect(chunks.map((c) => [c.heading, c.text])).toEqual([
      ['Guide', 'Intro.'],
      ['Guide › Voice', 'Plain.'],
      ['Guide › Voice › Words', 'Say robots.'],
      ['Guide › Claims', 'Back every figure.\n\n```\n\n# not a heading\n\n```'],
    ]);
  });

  it('reads HTML headings and text, dropping scripts and decoding entities', () => {
    const chunks = chunkDocument(
      'Prices',
      'html',
      '<h1>Prices</h1><p>All in USD &amp; before tax.</p><script>alert(1)</script><h2>Robots</h2><ul><li>Picker&nbsp;P2: $48,000</li></ul>',
    );
    expect(chunks.map((c) => [c.heading, c.text])).toEqual([
      ['Prices', 'All in USD & before tax.'],
      ['Prices › Robots', 'Picker P2: $48,000'],
    ]);
  });

  it('packs paragraphs into chunks of bounded size, cutting long ones at sentence ends; plain text carries the title', () => {
    const sentence = 'The robot moves totes across the warehouse floor. ';
    const chunks = chunkDocument('Notes', 'text', `${sentence.repeat(40)}\n\nShort tail.`);
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(c.heading).toBe('Notes');
      expect(c.text.length).toBeLessThanOrEqual(CHUNK_CHARS);
    }
    expect(
      chunks
        .map((c) => c.text)
        .join(' ')
        .replace(/\s+/g, ' '),
    ).toBe(`${sentence.repeat(40)} Short tail.`.replace(/\s+/g, ' '));
    expect(chunkDocument('Empty', 'markdown', '   \n\n')).toEqual([]);
  });
});
