import { documented } from '../http/openapi/route-doc.js';

/** The browser side: pages reached through signed links, and their static assets. */

export const stylesheetDoc = documented({
  summary: "The pages' stylesheet",
  tag: 'Pages',
  access: 'public',
  responses: { 200: { description: 'CSS.', contentType: 'text/css' } },
});

export const feedbackScriptDoc = documented({
  summary: "The feedback page's script (live updates)",
  tag: 'Pages',
  access: 'public',
  responses: { 200: { description: 'JavaScript.', contentType: 'text/javascript' } },
});

export const feedbackPageDoc = documented({
  summary: "A learner's feedback page",
  description:
    'Reached through the `feedbackUrl` of an attempt: a signed, expiring link. Score, checks ' +
    'with diagnosis and hint, quiz feedback, the observed timeline and the next step.',
  tag: 'Pages',
  access: 'signed-link',
  params: { token: 'The signed token of the link.' },
  responses: {
    200: { description: 'The page.', contentType: 'text/html' },
    404: { description: 'The attempt no longer exists.', contentType: 'text/html' },
  },
});

export const feedbackEventsDoc = documented({
  summary: "Live updates of a learner's feedback page (server-sent events)",
  tag: 'Pages',
  access: 'signed-link',
  params: { token: 'The signed token of the link.' },
  responses: { 200: { description: 'An event stream.', contentType: 'text/event-stream' } },
});

export const instructorPageDoc = documented({
  summary: 'The instructor view of one assessment (and course)',
  description:
    "Reached through a link from POST /v1/instructor-links. The query string is the page's " +
    'filter form (course, from, to, version); a value that is not a valid choice is ignored.',
  tag: 'Pages',
  access: 'signed-link',
  params: { token: 'The signed token of the link.' },
  responses: { 200: { description: 'The page.', contentType: 'text/html' } },
});
