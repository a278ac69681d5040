import { jest } from '@jest/globals';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { startSimulatedCluster, type SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import {
  bothConceptsAnswer,
  noConceptAnswer,
  referenceManifest,
  schedulingOnlyAnswer,
} from '../support/first-pod-fixtures.js';
import {
  applyPod,
  firstPodAttempt,
  learnerClient,
  waitForPodPhase,
} from '../support/first-pod-learner.js';
import {
  openTestBrowser,
  testArtifactsDirectory,
  type TestBrowser,
} from '../support/chromium-browser.js';
import type { GradingWorker } from '../../worker/grading-worker.js';
import {
  openTestServices,
  waitForFinishedAttempt,
  type TestServices,
} from '../support/test-services.js';

/**
 * The pages as a learner and an instructor see them: the real API over HTTP, a worker, the
 * simulated cluster and Debian's Chromium. Screenshots go to test-artifacts/.
 */

// The simulated cluster runs this many times faster than real time, and so does the grader.
const speed = 40;
// A browser starts and grading waits on the (simulated) cluster: a hang guard only.
jest.setTimeout(90_000);

let services: TestServices;
let server: Server;
let baseUrl: string;
let browser: TestBrowser;
const clusters: SimulatedCluster[] = [];

beforeAll(async () => {
  services = await openTestServices();
  server = services.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await openTestBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => {
    server?.closeAllConnections();
    server?.close(() => resolve());
  });
  await services?.close();
  await Promise.all(clusters.map((cluster) => cluster.stop()));
});

let worker: GradingWorker | undefined;

afterEach(async () => {
  await worker?.close();
  worker = undefined;
});

/**
 * A cluster and a worker started together: both run `speed` times faster than real time from
 * (nearly) the same moment, so the cluster's clock and the grader's agree as they do at speed 1.
 */
async function clusterWithWorker(): Promise<SimulatedCluster> {
  const started = await startSimulatedCluster({ speed });
  clusters.push(started);
  worker = services.startWorker({ timeScale: speed });
  return started;
}

/** The text a reader sees in the main content, white space collapsed. */
async function mainText(page: Page): Promise<string> {
  return ((await page.textContent('main')) ?? '').replace(/\s+/g, ' ');
}

describe('the feedback page in a browser', () => {
  it('shows an image typo as ImagePullBackOff, with what to do next', async () => {
    const sim = await clusterWithWorker();
    const typo = referenceManifest.replace('nginx:1.28', 'nginx:1.82');
    expect(typo).not.toBe(referenceManifest);
    const core = learnerClient(sim);
    await applyPod(core, typo);
    const posted = await services.api
      .post('/v1/attempts')
      .send(firstPodAttempt(sim, { manifest: typo, learnerId: 'typo-learner' }))
      .expect(202);
    const attempt = await waitForFinishedAttempt(services.attempts, posted.body.id, 60_000);
    expect(attempt.status).toBe('graded');

    const page = await browser.newPage();
    await page.goto(`${baseUrl}${posted.body.feedbackUrl}`);
    await page.waitForSelector('main[data-events=""]');
    const text = await mainText(page);
    const running = page.locator('[data-check="pod-running"]');
    await expect(running.getAttribute('data-outcome')).resolves.toBe('failed');
    expect(await running.textContent()).toContain('ImagePullBackOff');
    expect(text).toContain('nginx:1.82');
    // The next step names the fix and gives the exact commands.
    const next = page.locator('[aria-labelledby="next-title"]');
    expect(await next.textContent()).toContain('Your Pod never ran');
    expect(await next.locator('pre code').textContent()).toBe(
      'kubectl delete pod my-pod && kubectl apply -f my-pod.yaml',
    );
    // The timeline picture, and its words for those who cannot see it.
    expect(await page.locator('svg.timeline').count()).toBe(1);
    expect(await page.locator('#timeline-caption').textContent()).toContain('never Running');
    await browser.screenshot(page, 'feedback-image-typo');
    const phone = await browser.newPage({ width: 390, height: 844 });
    await phone.goto(`${baseUrl}${posted.body.feedbackUrl}`);
    // Readable on a phone: nothing wider than the screen.
    expect(
      Number(await phone.evaluate('document.documentElement.scrollWidth')),
    ).toBeLessThanOrEqual(390);
    await browser.screenshot(phone, 'feedback-image-typo-phone');
    await page.close();
    await phone.close();
  });

  it('follows a running attempt live to graded, without a reload', async () => {
    const sim = await clusterWithWorker();
    const core = learnerClient(sim);
    await applyPod(core);
    await waitForPodPhase(core, 'Running');
    const posted = await services.api
      .post('/v1/attempts')
      .send(firstPodAttempt(sim, { learnerId: 'live-learner' }))
      .expect(202);

    const page = await browser.newPage();
    let loads = 0;
    page.on('load', () => (loads += 1));
    await page.goto(`${baseUrl}${posted.body.feedbackUrl}`);
    // A mark on this document: a reload would lose it.
    await page.evaluate('window.sameDocument = true');
    // The grader saw the Pod running and waits for the learner: the page says so by itself.
    await page.locator('[aria-labelledby="next-title"]', { hasText: 'delete it now' }).waitFor();
    expect(await page.getAttribute('main', 'data-status')).toBe('running');
    await browser.screenshot(page, 'feedback-live-running');

    await core.deleteNamespacedPod({ namespace: 'default', name: 'my-pod' });
    await page.waitForSelector('main[data-live="finished"]');
    expect(await page.getAttribute('main', 'data-status')).toBe('graded');
    expect(await page.evaluate('window.sameDocument')).toBe(true);
    expect(loads).toBe(1);
    const text = await mainText(page);
    expect(text).toContain('Graded');
    expect(text).toContain('You passed');
    const stored = await services.attempts.find(posted.body.id);
    expect(stored?.status).toBe('graded');
    expect(text).toContain(`${stored?.score} of ${stored?.maxScore} points`);
    await browser.screenshot(page, 'feedback-live-graded');
    await page.close();
  });
});

describe('the instructor view in a browser', () => {
  it('shows the pass rate chart, the quiz and the learners, also on a phone', async () => {
    // A few more learners graded without a cluster (their cluster checks are skipped).
    worker = services.startWorker();
    for (const [learnerId, answer, courseId] of [
      ['ada', bothConceptsAnswer, 'k8s-101'],
      ['bo', schedulingOnlyAnswer, 'k8s-101'],
      ['cy', noConceptAnswer, 'k8s-202'],
      ['di', noConceptAnswer, 'k8s-202'],
    ] as const) {
      const posted = await services.api
        .post('/v1/attempts')
        .send({
          assessmentId: 'first-pod',
          learnerId,
          courseId,
          manifest:
            learnerId === 'bo'
              ? referenceManifest.replace('containerPort: 80', 'containerPort: 8080')
              : referenceManifest,
          answers: { 'pending-causes': answer },
          gradeWithoutCluster: true,
        })
        .expect(202);
      await waitForFinishedAttempt(services.attempts, posted.body.id);
    }
    const link = await services.api
      .post('/v1/instructor-links')
      .send({ assessmentId: 'first-pod', instructor: 'ms-k' })
      .expect(201);

    const page = await browser.newPage();
    await page.goto(`${baseUrl}${link.body.url}`);
    expect(await page.title()).toContain('results');
    const bars = page.locator('[data-chart="pass-rate"] li[data-check]');
    expect(await bars.count()).toBeGreaterThan(5);
    const runningRate = await page.getAttribute(
      '[data-chart="pass-rate"] li[data-check="pod-running"]',
      'data-pass-rate',
    );
    const graded = await services.prisma.checkResult.findMany({
      where: { checkId: 'pod-running', attempt: { assessmentId: 'first-pod' } },
    });
    // Among the attempts where the check was decided (graded without a cluster, it is skipped).
    const decided = graded.filter((row) => row.outcome === 'passed' || row.outcome === 'failed');
    const expected = Math.round(
      (decided.filter((row) => row.outcome === 'passed').length / decided.length) * 100,
    );
    expect(expected).toBe(50);
    expect(Number(runningRate)).toBe(expected);
    // Each row has its bar, drawn to scale.
    expect(await page.locator('[data-chart="pass-rate"] svg.bar').count()).toBe(await bars.count());
    expect(
      await page.getAttribute('li[data-check="pod-running"] svg.bar rect.bar-fill', 'width'),
    ).toBe('50');
    expect(await page.locator('table[data-table="checks"] tbody tr').count()).toBe(
      await bars.count(),
    );
    expect(await page.locator('table[data-table="learners"] tbody tr').count()).toBe(6);
    const text = await mainText(page);
    expect(text).toContain('Concepts matched');
    expect(text).toContain(noConceptAnswer.toLowerCase());
    await browser.screenshot(page, 'instructor-view');

    // The filter form works without any script: choose a course, submit, a new page.
    await page.selectOption('select[name="course"]', 'k8s-202');
    await Promise.all([page.waitForURL(/course=k8s-202/), page.click('button[type="submit"]')]);
    expect(await page.locator('table[data-table="learners"] tbody tr').count()).toBe(2);

    const phone = await browser.newPage({ width: 390, height: 844 });
    await phone.goto(`${baseUrl}${link.body.url}`);
    expect(
      Number(await phone.evaluate('document.documentElement.scrollWidth')),
    ).toBeLessThanOrEqual(390);
    await browser.screenshot(phone, 'instructor-view-phone');
    await phone
      .locator('section[aria-labelledby="checks-title"]')
      .screenshot({ path: join(testArtifactsDirectory, 'instructor-chart-phone.png') });
    await page.close();
    await phone.close();
  });
});
