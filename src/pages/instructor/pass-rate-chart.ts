import type { CheckPassRate } from '../../results/instructor-report.js';
import { html, type Html } from '../html.js';

/**
 * Pass rate per check as a horizontal bar chart, drawn on the server as SVG (no script, no CDN).
 * Each bar is labelled with its numbers, so the chart reads without colour; the table beside it
 * on the page holds the same figures for screen readers.
 */

const width = 640;
const barWidth = 440;
const rowHeight = 46;
const barHeight = 16;
const top = 8;
/** Longer titles are cut in the picture (the table has them whole), so nothing overlaps. */
const titleLength = 80;

export function passRatePercent(check: CheckPassRate): number {
  return check.graded === 0 ? 0 : Math.round((check.passed / check.graded) * 100);
}

export function renderPassRateChart(checks: CheckPassRate[], describedBy: string): Html {
  const height = top + checks.length * rowHeight;
  return html`<svg
    class="bars"
    viewBox="0 0 ${width} ${height}"
    role="img"
    aria-labelledby="pass-rate-chart-title"
    aria-describedby="${describedBy}"
    data-chart="pass-rate"
  >
    <title id="pass-rate-chart-title">Pass rate per check</title>
    ${checks.map((check, index) => {
      const y = top + index * rowHeight;
      const percent = passRatePercent(check);
      const filled = (barWidth * percent) / 100;
      return html`<g data-check="${check.checkId}" data-pass-rate="${percent}">
        <text x="0" y="${y + 14}">${shorten(check.title)}</text>
        <rect
          class="bar-rest"
          x="0"
          y="${y + 20}"
          width="${barWidth}"
          height="${barHeight}"
          rx="3"
        />
        <rect
          class="bar"
          x="0"
          y="${y + 20}"
          width="${filled.toFixed(1)}"
          height="${barHeight}"
          rx="3"
        />
        <text x="${barWidth + 10}" y="${y + 33}"
          >${percent}% · ${check.passed} of ${check.graded}</text
        >
      </g>`;
    })}
  </svg>`;
}

function shorten(title: string): string {
  return title.length <= titleLength ? title : `${title.slice(0, titleLength - 1)}…`;
}
