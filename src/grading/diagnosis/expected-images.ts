import type { CheckBase } from '../../assessments/format/check-base.js';
import { isMapping } from '../matching/match-partial.js';

/**
 * The image the rubric expects for each container name, read from the checks' own expectations
 * (`spec.containers: [{ name: web, image: nginx:1.28 }]`, a Deployment's
 * `spec.template.spec.containers`, init containers too), so a diagnosis can say "the lesson
 * uses nginx:1.28" without the rubric repeating itself. The first image named wins.
 */
export function expectedImagesOf(assessment: {
  checks: readonly CheckBase[];
}): Map<string, string> {
  const images = new Map<string, string>();
  for (const check of assessment.checks) collectImages(check, images, 0);
  return images;
}

function collectImages(value: unknown, images: Map<string, string>, depth: number): void {
  if (depth > 12) return;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) collectImages(item, images, depth + 1);
    return;
  }
  if (!isMapping(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(child)) {
      for (const container of child as unknown[]) {
        if (!isMapping(container)) continue;
        const { name, image } = container;
        if (typeof name === 'string' && typeof image === 'string' && !images.has(name))
          images.set(name, image);
      }
    } else collectImages(child, images, depth + 1);
  }
}
