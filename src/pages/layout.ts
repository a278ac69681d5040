import { html, type Html } from './html.js';

export interface PageOptions {
  title: string;
  body: Html;
  /** Scripts served by the API itself (CSP: script-src 'self'); none for static pages. */
  scripts?: string[];
  /** Extra elements for <head>, e.g. a <noscript> refresh for browsers without JavaScript. */
  head?: Html;
}

/** The document shell every page shares: language, viewport for phones, one stylesheet. */
export function renderPage({ title, body, scripts = [], head }: PageOptions): string {
  return `<!doctype html>${
    html`<html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${title}</title>
        <link rel="stylesheet" href="/assets/kubegrade.css" />
        ${head} ${scripts.map((src) => html`<script src="${src}" defer></script>`)}
      </head>
      <body>
        <a class="skip" href="#main">Skip to the content</a>
        <header class="site" role="banner"><p class="brand">kubegrade</p></header>
        ${body}
        <footer class="site" role="contentinfo">
          <p>Graded by kubegrade from what your cluster did.</p>
        </footer>
      </body>
    </html>`.text
  }`;
}

/** A page that only says what went wrong (an expired link, an unknown attempt). */
export function renderMessagePage(title: string, message: string): string {
  return renderPage({
    title,
    body: html`<main id="main">
      <h1>${title}</h1>
      <p>${message}</p>
    </main>`,
  });
}
