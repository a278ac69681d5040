import type { Assessment } from '../../assessments/assessment.js';
import type { InstructorGrant } from '../../links/signed-links.js';
import type {
  AttemptSummary,
  InstructorReport,
  LearnerResult,
} from '../../results/instructor-report.js';
import { formatPoints } from '../feedback/feedback-page.js';
import { html, type Html } from '../html.js';
import { renderPage } from '../layout.js';
import type { InstructorFilterForm } from './instructor-filters.js';
import { decidedCount, passRatePercent, renderPassRateChart } from './pass-rate-chart.js';

/** Everything one instructor view shows. */
export interface InstructorPageModel {
  grant: InstructorGrant;
  form: InstructorFilterForm;
  report: InstructorReport;
  /** The rubric as deployed: prompts and concept labels; absent for a retired assessment. */
  assessment: Assessment | undefined;
  /** Where the filter form submits (the page itself). */
  pageUrl: string;
  /** Signed feedback-page links of the listed attempts, by attempt id. */
  feedbackUrls: ReadonlyMap<string, string>;
}

const statusWords = {
  queued: 'waiting',
  running: 'grading',
  graded: 'graded',
  not_gradable: 'not gradable',
} as const;

/** The instructor view: plain HTML, no script; the filters are a GET form. */
export function renderInstructorPage(model: InstructorPageModel): string {
  const title = model.assessment?.title ?? model.grant.assessmentId;
  return renderPage({
    title: `${title}: results${model.grant.courseId ? ` in ${model.grant.courseId}` : ''}`,
    body: html`<main id="main" class="wide">
      <h1>${title}: results</h1>
      <p class="meta">
        ${model.grant.courseId ? html`Course ${model.grant.courseId}` : 'All courses'} · opened by
        ${model.grant.instructor} · this link works until ${formatTime(model.grant.expiresAt)}
      </p>
      ${renderFilters(model)} ${renderSummary(model.report)} ${renderChecks(model.report)}
      ${renderQuiz(model)} ${renderNotGradable(model.report)} ${renderLearners(model)}
    </main>`,
  });
}

function renderFilters({ form, report, grant, pageUrl }: InstructorPageModel): Html {
  const option = (value: string, selected: string, label = value) =>
    html`<option value="${value}" ${value === selected ? html`selected` : ''}>${label}</option>`;
  return html`<section aria-labelledby="filters-title">
    <h2 id="filters-title">Filters</h2>
    <form class="filters" method="get" action="${pageUrl}">
      ${
        grant.courseId
          ? html`<p>Course: <strong>${grant.courseId}</strong></p>`
          : html`<label
              >Course
              <select name="course">
                ${option('', form.course, 'All courses')}
                ${report.choices.courses.map((course) => option(course, form.course))}
              </select></label
            >`
      }
      <label>From <input type="date" name="from" value="${form.from}" /></label>
      <label>To (inclusive) <input type="date" name="to" value="${form.to}" /></label>
      <label
        >Rubric version
        <select name="version">
          ${option('', form.version, 'All versions')}
          ${report.choices.versions.map((version) => option(version, form.version))}
        </select></label
      >
      <button type="submit">Show</button>
    </form>
  </section>`;
}

function renderSummary({ summary }: InstructorReport): Html {
  const finished = summary.graded + summary.notGradable;
  return html`<section aria-labelledby="summary-title">
    <h2 id="summary-title">Summary</h2>
    <dl class="figures">
      <div>
        <dt>Attempts</dt>
        <dd data-figure="attempts">${summary.attempts}</dd>
      </div>
      <div>
        <dt>Learners</dt>
        <dd data-figure="learners">${summary.learners}</dd>
      </div>
      <div>
        <dt>Passed</dt>
        <dd data-figure="passed">
          ${summary.passed} of ${summary.graded} graded (${percent(summary.passed, summary.graded)})
        </dd>
      </div>
      <div>
        <dt>Average score</dt>
        <dd>
          ${
            summary.averageScore === null
              ? '–'
              : `${formatPoints(round(summary.averageScore))} of ${formatPoints(summary.maxScore ?? 0)}`
          }
        </dd>
      </div>
      <div>
        <dt>Not gradable</dt>
        <dd data-figure="not-gradable">
          ${summary.notGradable} of ${finished} finished (${percent(summary.notGradable, finished)})
        </dd>
      </div>
      ${
        summary.inProgress > 0
          ? html`<div>
              <dt>Still grading</dt>
              <dd>${summary.inProgress}</dd>
            </div>`
          : ''
      }
    </dl>
  </section>`;
}

function renderChecks({ checks }: InstructorReport): Html {
  if (checks.length === 0) {
    return html`<section aria-labelledby="checks-title">
      <h2 id="checks-title">Pass rate per check</h2>
      <p>No graded attempts match these filters.</p>
    </section>`;
  }
  return html`<section aria-labelledby="checks-title">
    <h2 id="checks-title">Pass rate per check</h2>
    <figure class="chart">
      ${renderPassRateChart(checks, 'checks-caption')}
      <figcaption id="checks-caption">
        Share of graded attempts that passed each check, among those where the check was decided
        (skipped checks and those the grader could not check are left out); the table below has
        every outcome.
      </figcaption>
    </figure>
    <div class="table-wrap">
      <table data-table="checks">
        <caption class="visually-hidden">
          Outcomes per check
        </caption>
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Passed</th>
            <th scope="col">Failed</th>
            <th scope="col">Could not check</th>
            <th scope="col">Skipped</th>
            <th scope="col">Pass rate</th>
          </tr>
        </thead>
        <tbody>
          ${checks.map(
            (check) =>
              html`<tr data-check="${check.checkId}">
                <th scope="row">${check.title}</th>
                <td>${check.passed}</td>
                <td>${check.failed}</td>
                <td>${check.error}</td>
                <td>${check.skipped}</td>
                <td>${decidedCount(check) === 0 ? '–' : `${passRatePercent(check)}%`}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

function renderQuiz({ report, assessment }: InstructorPageModel): Html {
  if (report.questions.length === 0) return html``;
  return html`<section aria-labelledby="quiz-title">
    <h2 id="quiz-title">Quiz</h2>
    ${report.questions.map((question) => {
      const rubric = assessment?.quiz.find((item) => item.id === question.questionId);
      const conceptLabels = new Map(
        rubric?.type === 'free-text' ? rubric.concepts.map((c) => [c.id, c.label]) : [],
      );
      const concepts = report.concepts.filter((c) => c.questionId === question.questionId);
      const unmatched = report.unmatchedAnswers.filter((a) => a.questionId === question.questionId);
      return html`<article class="question" data-question="${question.questionId}">
        <h3>${rubric?.prompt ?? question.questionId}</h3>
        <p>
          ${question.answers} answers · ${question.fullMarks} with full points
          (${percent(question.fullMarks, question.answers)}) · average
          ${formatPoints(round(question.averagePoints ?? 0))} of
          ${formatPoints(question.maxPoints ?? 0)} points
        </p>
        ${
          concepts.length > 0 || conceptLabels.size > 0
            ? html`<h4>Concepts matched</h4>
                <ul data-list="concepts">
                  ${[
                    ...new Set([...conceptLabels.keys(), ...concepts.map((c) => c.conceptId)]),
                  ].map((conceptId) => {
                    const matched = concepts.find((c) => c.conceptId === conceptId)?.answers ?? 0;
                    return html`<li data-concept="${conceptId}">
                      ${conceptLabels.get(conceptId) ?? conceptId}: ${matched} of
                      ${question.answers} answers (${percent(matched, question.answers)})
                    </li>`;
                  })}
                </ul>`
            : ''
        }
        <h4>Most common answers without full points</h4>
        ${
          unmatched.length === 0
            ? html`<p>None.</p>`
            : html`<ol data-list="unmatched">
                ${unmatched.map(
                  (answer) =>
                    html`<li>
                      <q>${answer.answer}</q> — ${answer.answers}
                      ${answer.answers === 1 ? 'time' : 'times'}
                    </li>`,
                )}
              </ol>`
        }
      </article>`;
    })}
  </section>`;
}

function renderNotGradable({ summary, notGradable }: InstructorReport): Html {
  const finished = summary.graded + summary.notGradable;
  return html`<section aria-labelledby="not-gradable-title">
    <h2 id="not-gradable-title">Attempts that could not be graded</h2>
    <p>
      ${summary.notGradable} of ${finished} finished attempts
      (${percent(summary.notGradable, finished)}) could not be graded; they cost the learner nothing
      and can be submitted again.
    </p>
    ${
      notGradable.length === 0
        ? ''
        : html`<div class="table-wrap">
            <table data-table="not-gradable">
              <thead>
                <tr>
                  <th scope="col">Why (code)</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Share</th>
                  <th scope="col">For example</th>
                </tr>
              </thead>
              <tbody>
                ${notGradable.map(
                  (reason) =>
                    html`<tr data-code="${reason.code}">
                      <th scope="row"><code>${reason.code}</code></th>
                      <td>${reason.attempts}</td>
                      <td>${percent(reason.attempts, summary.notGradable)}</td>
                      <td>${reason.example ?? ''}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
  </section>`;
}

function renderLearners({ report, feedbackUrls }: InstructorPageModel): Html {
  const { learners, moreLearners } = report;
  return html`<section aria-labelledby="learners-title">
    <h2 id="learners-title">Learners</h2>
    ${
      learners.length === 0
        ? html`<p>No attempts match these filters.</p>`
        : html`<div class="table-wrap">
            <table data-table="learners">
              <thead>
                <tr>
                  <th scope="col">Learner</th>
                  <th scope="col">Course</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Best attempt</th>
                  <th scope="col">Latest attempt</th>
                </tr>
              </thead>
              <tbody>
                ${learners.map((learner) => renderLearnerRow(learner, feedbackUrls))}
              </tbody>
            </table>
          </div>`
    }
    ${
      moreLearners
        ? html`<p>
            Only the first ${learners.length} learners are listed; the CSV export (<code
              >GET /v1/results/export?per=learner</code
            >) has them all.
          </p>`
        : ''
    }
  </section>`;
}

function renderLearnerRow(learner: LearnerResult, links: ReadonlyMap<string, string>): Html {
  return html`<tr data-learner="${learner.learnerId}">
    <th scope="row">${learner.learnerId}</th>
    <td>${learner.courseId ?? ''}</td>
    <td>${learner.attempts}</td>
    <td data-best="${learner.best?.score ?? ''}">
      ${learner.best ? describeAttempt(learner.best, links) : 'none graded'}
    </td>
    <td data-latest="${learner.latest.id}">${describeAttempt(learner.latest, links)}</td>
  </tr>`;
}

/** The attempt's result, linked to the feedback page the learner sees (overrides included). */
function describeAttempt(attempt: AttemptSummary, links: ReadonlyMap<string, string>): Html {
  const url = links.get(attempt.id);
  const when = url
    ? html`<a class="meta" href="${url}">${formatTime(attempt.receivedAt)}</a>`
    : html`<span class="meta">${formatTime(attempt.receivedAt)}</span>`;
  if (attempt.status !== 'graded' || attempt.score === null) {
    return html`${statusWords[attempt.status]}<br />${when}`;
  }
  return html`<strong class="${attempt.passed ? 'pass' : 'fail'}"
      >${formatPoints(attempt.score)}/${formatPoints(attempt.maxScore ?? 0)}
      ${attempt.passed ? 'passed' : 'not passed'}</strong
    ><br />${when}`;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '–' : `${Math.round((part / whole) * 100)}%`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
