import type { Assessment } from '../../assessments/assessment.js';
import { isMapping } from '../matching/match-partial.js';

/**
 * The image the rubric expects for each container name, read from the checks' own `expect`
 * blocks (`spec.containers: [{ name: web, image: nginx:1.28 }]`), so a diagnosis can say
 * "the lesson uses nginx:1.28" without the rubric repeating itself.
 */
export function expectedImagesOf(assessment: Pick<Assessment, 'checks'>): Map<string, string> {
  const images = new Map<string, string>();
  for (const check of assessment.checks) {
    const expect: unknown = 'expect' in check ? check.expect : undefined;
    const spec = isMapping(expect) ? expect.spec : undefined;
    const containers = isMapping(spec) ? spec.containers : undefined;
    if (!Array.isArray(containers)) continue;
    for (const container of containers as unknown[]) {
      if (!isMapping(container)) continue;
      const { name, image } = container;
      if (typeof name === 'string' && typeof image === 'string' && !images.has(name))
        images.set(name, image);
    }
  }
  return images;
}
