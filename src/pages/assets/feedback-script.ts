/**
 * The feedback page's only script, served as /assets/feedback.js (CSP: script-src 'self'). The
 * page works without it (a <noscript> refresh); with it, the page follows the grader by
 * Server-Sent Events and swaps in the server-rendered content, so nothing is rendered twice.
 */
export const feedbackScript = `'use strict';
(function () {
  var main = document.getElementById('main');
  var url = main && main.getAttribute('data-events');
  if (!url || typeof window.EventSource !== 'function') return;
  var source = new EventSource(url);
  source.addEventListener('update', function (event) {
    var update = JSON.parse(event.data);
    main.innerHTML = update.html;
    if (update.title) document.title = update.title;
    main.setAttribute('data-status', update.status);
  });
  source.addEventListener('done', function () {
    source.close();
    main.setAttribute('data-live', 'finished');
  });
})();
`;
