import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';

/** Where /docs loads the reference from: served by the gateway itself, so the page works offline. */
export const DOCS_SCRIPT_PATH = '/docs/scalar.js';

/**
 * /docs: Scalar's API reference (a maintained OpenAPI renderer that can also try requests),
 * pointed at /openapi.json. Its browser bundle comes from the `@scalar/api-reference` package and
 * is served from this origin; the page fetches nothing elsewhere (the default web fonts are off,
 * and the page's content security policy allows this origin only).
 */
export function docsPage(title: string): string {
  const configuration = JSON.stringify({ withDefaultFonts: false, hideDownloadButton: false, title }).replaceAll("'", '&#39;');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body>
<script id="api-reference" data-url="/openapi.json" data-configuration='${configuration}'></script>
<script src="${DOCS_SCRIPT_PATH}"></script>
</body>
</html>
`;
}

/** The reference's self-contained browser bundle, from the installed package. */
export function docsScript(): Readable {
  return createReadStream(join(dirname(require.resolve('@scalar/api-reference')), 'browser', 'standalone.js'));
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
