import type { CheckPassRate } from '../../results/instructor-report.js';
import { html, type Html } from '../html.js';

/**
 * Pass rate per check as a bar chart drawn on the server (no script, no CDN): one row per check
 * with its title as text (it wraps on a phone instead of shrinking), an SVG bar and the figures
 * in words, so the chart reads without colour and without the picture.
 */

/**
 * Passed among the attempts where the check was decided: a skipped check (graded without a
 * cluster) or one the grader could not check says nothing about the learner, so neither counts.
 */
export function decidedCount(check: CheckPassRate): number {
  return check.passed + check.failed;
}

export function passRatePercent(check: CheckPassRate): number {
  const decided = decidedCount(check);
  return decided === 0 ? 0 : Math.round((check.passed / decided) * 100);
}

export function renderPassRateChart(checks: CheckPassRate[], describedBy: string): Html {
  return html`<ol class="bar-chart" data-chart="pass-rate" aria-describedby="${describedBy}">
    ${checks.map((check) => {
      const percent = passRatePercent(check);
      const decided = decidedCount(check);
      return html`<li data-check="${check.checkId}" data-pass-rate="${percent}">
        <span class="bar-title">${check.title}</span>
        <span class="bar-line">
          <svg
            class="bar"
            viewBox="0 0 100 10"
            preserveAspectRatio="none"
            aria-hidden="true"
            focusable="false"
          >
            <rect class="bar-rest" x="0" y="0" width="100" height="10" />
            <rect class="bar-fill" x="0" y="0" width="${percent}" height="10" />
          </svg>
          <span class="bar-value"
            >${decided === 0 ? 'not decided' : `${percent}% · ${check.passed} of ${decided}`}</span
          >
        </span>
      </li>`;
    })}
  </ol>`;
}
