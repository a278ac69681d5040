import type { Assessment } from '../../assessments/assessment.js';
import type { StoredAttempt } from '../../attempts/attempt-repository.js';
import type { OverrideRecord } from '../../results/override-record.js';
import { html, type Html } from '../html.js';
import { renderPage } from '../layout.js';
import type { NextStep } from './next-step.js';
import type { ObservedTimeline } from './observed-timeline.js';
import { renderTimelineSvg, timelineSentence } from './timeline-svg.js';

/** Everything the learner's feedback page shows; built by `loadFeedbackPage`. */
export interface FeedbackPageModel {
  attempt: StoredAttempt;
  assessment: Assessment | undefined;
  timeline: ObservedTimeline | undefined;
  overrides: OverrideRecord[];
  next: NextStep;
}

const outcomeWords = {
  passed: 'Passed',
  failed: 'Failed',
  error: 'Could not check',
  skipped: 'Skipped',
} as const;
const statusWords = {
  queued: 'Waiting for a grader',
  running: 'Grading now',
  graded: 'Graded',
  not_gradable: 'Could not be graded',
} as const;

export function isLive(status: StoredAttempt['status']): boolean {
  return status === 'queued' || status === 'running';
}

/** The whole page; `eventsUrl` is where its script listens for live updates while grading runs. */
export function renderFeedbackPage(model: FeedbackPageModel, eventsUrl: string): string {
  const live = isLive(model.attempt.status);
  return renderPage({
    title: `${model.assessment?.title ?? model.attempt.assessmentId}: your feedback`,
    // Without JavaScript, a page still grading reloads itself; with it, the script takes over.
    head: live ? html`<noscript><meta http-equiv="refresh" content="5" /></noscript>` : undefined,
    scripts: live ? ['/assets/feedback.js'] : [],
    body: html`<main id="main" data-events="${live ? eventsUrl : ''}">
      ${renderFeedbackContent(model)}
    </main>`,
  });
}

/** The part of the page that live updates replace. */
export function renderFeedbackContent(model: FeedbackPageModel): Html {
  const { attempt, assessment } = model;
  return html`<h1>${assessment?.title ?? attempt.assessmentId}</h1>
    <p class="meta">
      Attempt by ${attempt.learnerId}${attempt.courseId ? html` in ${attempt.courseId}` : ''},
      rubric version ${attempt.assessmentVersion}, submitted ${formatTime(attempt.receivedAt)}.
    </p>
    ${renderSummary(model)} ${renderNextStep(model.next)} ${renderTimeline(model)}
    ${renderChecks(model)} ${renderQuiz(model)}`;
}

function renderSummary({ attempt }: FeedbackPageModel): Html {
  const scored = attempt.score !== null && attempt.maxScore !== null;
  const verdict = attempt.passed === null ? '' : attempt.passed ? 'You passed' : 'Not passed yet';
  return html`<section class="summary" aria-labelledby="summary-title">
    <h2 id="summary-title">Result</h2>
    <p class="status status-${attempt.status}" data-status="${attempt.status}">
      ${statusWords[attempt.status]}
    </p>
    ${scored ? html`<p class="score"><span class="score-value">${formatPoints(attempt.score ?? 0)}</span> of ${formatPoints(attempt.maxScore ?? 0)} points${verdict ? html` · <strong class="${attempt.passed ? 'pass' : 'fail'}">${verdict}</strong>` : ''}</p>` : ''}
  </section>`;
}

function renderNextStep(next: NextStep): Html {
  return html`<section
    class="next next-${next.tone}"
    aria-labelledby="next-title"
    aria-live="polite"
  >
    <h2 id="next-title">What to do next</h2>
    <p>${next.text}</p>
    ${next.command ? html`<pre><code>${next.command}</code></pre>` : ''}
  </section>`;
}

function renderTimeline({ timeline, attempt }: FeedbackPageModel): Html {
  if (!timeline) {
    const text = isLive(attempt.status)
      ? 'The picture of what the grader saw appears here when grading ends.'
      : 'The grader recorded no Pod timeline for this attempt.';
    return html`<section aria-labelledby="timeline-title">
      <h2 id="timeline-title">What the grader saw</h2>
      <p>${text}</p>
    </section>`;
  }
  const sentence = timelineSentence(timeline);
  return html`<section aria-labelledby="timeline-title">
    <h2 id="timeline-title">What the grader saw</h2>
    <figure class="timeline-figure">
      ${renderTimelineSvg(timeline, 'timeline-caption')}
      <figcaption id="timeline-caption">${sentence}</figcaption>
    </figure>
    ${timeline.warnings.length > 0 ? html`<p class="warnings">The cluster said: ${timeline.warnings.map((warning, index) => html`${index > 0 ? '; ' : ''}<strong>${warning.reason}</strong> ${warning.message}${warning.count > 1 ? ` (${warning.count} times)` : ''}`)}</p>` : ''}
  </section>`;
}

function renderChecks(model: FeedbackPageModel): Html {
  const graded = new Map(model.attempt.checks.map((check) => [check.id, check]));
  const planned =
    model.assessment?.checks.map((check) => ({
      id: check.id,
      title: check.title,
      points: check.points,
    })) ?? [];
  const items =
    planned.length > 0
      ? planned
      : model.attempt.checks.map((c) => ({ id: c.id, title: c.title, points: c.maxPoints }));
  return html`<section aria-labelledby="checks-title">
    <h2 id="checks-title">Checks</h2>
    <ol class="checks">
      ${items.map((item) => {
        const check = graded.get(item.id);
        const overrides = model.overrides.filter(
          (o) => o.target === 'check' && o.targetId === item.id,
        );
        if (!check) {
          return html`<li class="check check-pending" data-check="${item.id}">
            <h3>${item.title}</h3>
            <p class="outcome">Not checked yet · ${formatPoints(item.points)} points</p>
          </li>`;
        }
        return html`<li
          class="check check-${check.outcome}"
          data-check="${check.id}"
          data-outcome="${check.outcome}"
        >
          <h3>${check.title}</h3>
          <p class="outcome">
            <span class="badge badge-${check.outcome}">${outcomeWords[check.outcome]}</span>
            ${formatPoints(check.points)} of ${formatPoints(check.maxPoints)} points
          </p>
          <p class="message">${check.message}</p>
          ${check.hint && check.outcome !== 'passed' ? html`<p class="hint"><strong>Hint:</strong> ${check.hint}</p>` : ''}
          ${overrides.map(renderOverrideNote)}
        </li>`;
      })}
    </ol>
  </section>`;
}

function renderQuiz(model: FeedbackPageModel): Html {
  const questions = model.assessment?.quiz ?? [];
  if (questions.length === 0 && model.attempt.quiz.length === 0) return html``;
  const graded = new Map(model.attempt.quiz.map((answer) => [answer.questionId, answer]));
  return html`<section aria-labelledby="quiz-title">
    <h2 id="quiz-title">Quiz</h2>
    ${questions.map((question) => {
      const answer = graded.get(question.id);
      const submitted = model.attempt.answers[question.id];
      const overrides = model.overrides.filter(
        (o) => o.target === 'quiz' && o.targetId === question.id,
      );
      const answerText = Array.isArray(submitted)
        ? submitted
            .map((id) =>
              question.type === 'free-text'
                ? id
                : (question.choices.find((c) => c.id === id)?.text ?? id),
            )
            .join(', ')
        : submitted;
      return html`<article class="question" data-question="${question.id}">
        <h3>${question.prompt}</h3>
        <p class="answer">
          <span class="label">Your answer:</span> ${answerText ?? html`<em>no answer</em>`}
        </p>
        ${
          answer
            ? html`<p class="outcome">
                  ${formatPoints(answer.points)} of ${formatPoints(answer.maxPoints)} points
                </p>
                <p class="message">${quizFeedback(question, answer.points, answer.maxPoints)}</p>
                ${
                  question.type === 'free-text' && answer.matchedConcepts.length > 0
                    ? html`<p>
                        Your answer names:
                        ${question.concepts
                          .filter((c) => answer.matchedConcepts.includes(c.id))
                          .map((c) => c.label)
                          .join('; ')}.
                      </p>`
                    : ''
                }`
            : html`<p class="outcome">Not graded yet.</p>`
        }
        ${overrides.map(renderOverrideNote)}
      </article>`;
    })}
  </section>`;
}

function quizFeedback(
  question: Assessment['quiz'][number],
  points: number,
  maxPoints: number,
): string {
  if (points >= maxPoints) return question.feedback?.correct ?? 'Correct.';
  if (points > 0) return question.feedback?.partial ?? 'Partly correct.';
  return question.feedback?.incorrect ?? 'Not correct.';
}

function renderOverrideNote(override: OverrideRecord): Html {
  return html`<p class="override">
    Changed by your instructor ${override.actor} on ${formatTime(override.createdAt)}:
    ${describeValue(override.before)} → ${describeValue(override.after)}. Reason:
    ${override.reason}${override.needsReview ? ' (kept through a regrade; awaiting review)' : ''}
  </p>`;
}

function describeValue(value: OverrideRecord['after']): string {
  return `${value.outcome ? `${outcomeWords[value.outcome]}, ` : ''}${formatPoints(value.points)} points`;
}

export function formatPoints(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/0$/, '');
}

function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
