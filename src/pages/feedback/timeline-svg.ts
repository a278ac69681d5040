import { html, type Html } from '../html.js';
import type { ObservedTimeline } from './observed-timeline.js';

/**
 * Draws what the grader saw of the Pod as one time axis: a bar per phase (Pending, Running),
 * the deletion as a mark, the stability window after it, and any Pod that came back. Drawn on
 * the server as SVG (no script, no CDN); the figure caption says the same in words, which is
 * also the picture's text alternative.
 */

const width = 720;
const left = 16;
const right = 16;
const barY = 64;
const barHeight = 28;
const height = 132;

const phaseClass: Record<string, string> = {
  Pending: 'phase-pending',
  Running: 'phase-running',
  Succeeded: 'phase-done',
  Failed: 'phase-failed',
};

export function timelineSentence(timeline: ObservedTimeline): string {
  const parts: string[] = [];
  const time = (date: Date) => date.toISOString().slice(11, 19) + ' UTC';
  for (const phase of timeline.phases) {
    if (phase.phase === 'Running') {
      const where = [
        timeline.node ? `on node ${timeline.node}` : undefined,
        timeline.ip ? `with IP ${timeline.ip}` : undefined,
      ].filter(Boolean);
      parts.push(`Running at ${time(phase.at)}${where.length ? ' ' + where.join(' ') : ''}`);
    } else {
      parts.push(`${phase.phase} at ${time(phase.at)}`);
    }
  }
  if (parts.length === 0) parts.push(`${timeline.podName} was never seen`);
  if (!timeline.phases.some((phase) => phase.phase === 'Running') && timeline.phases.length > 0) {
    const warning = timeline.warnings[0];
    parts.push(`never Running${warning ? `: ${warning.reason}, ${warning.message}` : ''}`);
  }
  if (timeline.deletedAt) parts.push(`deleted at ${time(timeline.deletedAt)}`);
  if (timeline.window) {
    parts.push(
      timeline.cameBack.length === 0
        ? `nothing came back in ${timeline.window.seconds} s`
        : `${timeline.cameBack.map((pod) => pod.name).join(', ')} came back ${secondsBetween(timeline.deletedAt ?? timeline.start, timeline.cameBack[0]!.at)} s after the deletion`,
    );
  }
  return `${timeline.podName}: ${parts.join('; ')}.`;
}

export function renderTimelineSvg(timeline: ObservedTimeline, captionId: string): Html {
  const start = timeline.start.getTime();
  const span = Math.max(1, timeline.end.getTime() - start);
  const x = (date: Date) => left + ((date.getTime() - start) / span) * (width - left - right);

  const bars: Html[] = [];
  timeline.phases.forEach((phase, index) => {
    const next = timeline.phases[index + 1]?.at ?? timeline.deletedAt ?? timeline.end;
    const x1 = x(phase.at);
    const x2 = Math.max(x1 + 2, x(next));
    const row = index % 2 === 0 ? 40 : 24;
    const label =
      phase.phase === 'Running' && timeline.node
        ? `Running on ${timeline.node}${timeline.ip ? ` (${timeline.ip})` : ''}`
        : phase.phase;
    bars.push(
      html`<rect
          class="${phaseClass[phase.phase] ?? 'phase-other'}"
          x="${x1.toFixed(1)}"
          y="${barY}"
          width="${(x2 - x1).toFixed(1)}"
          height="${barHeight}"
          rx="3"
        ></rect>
        <text class="label" x="${x1.toFixed(1)}" y="${row}">${label}</text>
        <line
          class="lead"
          x1="${x1.toFixed(1)}"
          y1="${row + 4}"
          x2="${x1.toFixed(1)}"
          y2="${barY}"
        ></line>`,
    );
  });

  const marks: Html[] = [];
  if (timeline.window && timeline.deletedAt) {
    const x1 = x(timeline.deletedAt);
    const x2 = Math.max(x1 + 2, x(timeline.window.ends));
    marks.push(
      html`<rect
          class="window"
          x="${x1.toFixed(1)}"
          y="${barY}"
          width="${(x2 - x1).toFixed(1)}"
          height="${barHeight}"
          rx="3"
        ></rect>
        <text class="label" x="${x2.toFixed(1)}" y="${barY + barHeight + 18}" text-anchor="end"
          >${timeline.cameBack.length === 0 ? `nothing came back in ${timeline.window.seconds} s` : 'a Pod came back'}</text
        >`,
    );
  }
  if (timeline.deletedAt) {
    const xd = x(timeline.deletedAt);
    marks.push(
      html`<line
          class="deleted"
          x1="${xd.toFixed(1)}"
          y1="${barY - 8}"
          x2="${xd.toFixed(1)}"
          y2="${barY + barHeight + 4}"
        ></line>
        <text class="label" x="${xd.toFixed(1)}" y="${barY - 12}" text-anchor="middle"
          >deleted</text
        >`,
    );
  }
  for (const pod of timeline.cameBack) {
    const xp = x(pod.at);
    marks.push(
      html`<circle
        class="came-back"
        cx="${xp.toFixed(1)}"
        cy="${barY + barHeight / 2}"
        r="7"
      ></circle>`,
    );
  }

  const ticks: Html[] = [];
  const totalSeconds = span / 1000;
  const step = niceStep(totalSeconds);
  for (let second = 0; second <= totalSeconds + 1e-9; second += step) {
    const tx = left + (second / totalSeconds) * (width - left - right);
    ticks.push(
      html`<line
          class="tick"
          x1="${tx.toFixed(1)}"
          y1="${barY + barHeight + 24}"
          x2="${tx.toFixed(1)}"
          y2="${barY + barHeight + 28}"
        ></line>
        <text
          class="tick-label"
          x="${tx.toFixed(1)}"
          y="${barY + barHeight + 40}"
          text-anchor="middle"
          >${formatSeconds(second)}</text
        >`,
    );
  }

  return html`<svg
    class="timeline"
    viewBox="0 0 ${width} ${height}"
    role="img"
    aria-labelledby="${captionId}"
    preserveAspectRatio="xMinYMin meet"
    xmlns="http://www.w3.org/2000/svg"
  >
    <line
      class="axis"
      x1="${left}"
      y1="${barY + barHeight + 24}"
      x2="${width - right}"
      y2="${barY + barHeight + 24}"
    ></line>
    ${ticks}${bars}${marks}
  </svg>`;
}

function secondsBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / 100) / 10;
}

function niceStep(totalSeconds: number): number {
  const candidates = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
  return candidates.find((step) => totalSeconds / step <= 8) ?? 1200;
}

function formatSeconds(seconds: number): string {
  const rounded = Math.round(seconds * 10) / 10;
  if (rounded >= 60 && rounded % 60 === 0) return `${rounded / 60} min`;
  return `${rounded} s`;
}
