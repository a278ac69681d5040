/**
 * The image side of the simulated kubelet: a container's image is present on the node already,
 * or pulled from the catalogue after a delay (Pulling/Pulled). A missing image fails the pull
 * (ErrImagePull), turns into ImagePullBackOff at the next pod sync, and is tried again after a
 * back-off that doubles up to a maximum, as kubelet does.
 */
import type { ImageCatalogue, ParsedImage } from './image-catalogue.js';
import { parseImageReference } from './image-catalogue.js';
import type { ContainerProcess, PodRuntime } from './pod-runtime.js';

export interface ImagePullTimings {
  /** One image pull. */
  pullMs: number;
  /** From a failed pull to ImagePullBackOff (the next pod sync). */
  syncMs: number;
  /** The longest the pull back-off grows to. */
  maxBackoffMs: number;
}

/** The kubelet's part in a pull: its events, its status writes, its timers, its containers. */
export interface ImagePullerOptions {
  timings: ImagePullTimings;
  images: ImageCatalogue;
  event(
    runtime: PodRuntime,
    container: ContainerProcess,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): void;
  writeStatus(runtime: PodRuntime): void;
  /** A timer that dies with the pod (never fires once the kubelet has let the pod go). */
  after(runtime: PodRuntime, ms: number, run: () => void): number;
  /** Creates and starts the container once its image is on the node. */
  startContainer(runtime: PodRuntime, container: ContainerProcess): void;
}

/** `docker.io/library/nginx:1.28`, or `…@sha256:…` for an image pinned by digest. */
export function imageReference(parsed: ParsedImage): string {
  return parsed.digest
    ? `${parsed.fullRepository}@${parsed.digest}`
    : `${parsed.fullRepository}:${parsed.tag ?? 'latest'}`;
}

/** Go's `time.Duration` format, as kubelet's Pulled message prints it (`2s`). */
function goDuration(ms: number): string {
  return `${Number((ms / 1000).toFixed(9))}s`;
}

export class ImagePuller {
  /** Images on this node, by reference, in the order they were pulled. */
  private readonly pulled = new Set<string>();

  constructor(private readonly o: ImagePullerOptions) {}

  /** Images this node has pulled (`docker.io/library/nginx:1.28`). */
  images(): string[] {
    return [...this.pulled];
  }

  /**
   * Gets the container's image by its pull policy and starts the container when it is there.
   * `next` moves on to the pod's next container once this one has started or its pull failed
   * (a failing image never holds the pod's other containers back).
   */
  ensureImage(runtime: PodRuntime, c: ContainerProcess, next: () => void): void {
    const parsed = parseImageReference(c.image);
    if ('error' in parsed) {
      c.waitingReason = 'InvalidImageName';
      c.waitingMessage = `Failed to apply default image tag "${c.image}": ${parsed.error}`;
      this.o.event(runtime, c, 'Warning', 'InspectFailed', c.waitingMessage);
      this.o.event(runtime, c, 'Warning', 'Failed', 'Error: InvalidImageName');
      this.o.writeStatus(runtime);
      next();
      return;
    }
    c.parsed = parsed;
    const reference = imageReference(parsed);
    const policy = c.spec.imagePullPolicy ?? 'IfNotPresent';
    if (policy !== 'Always' && this.pulled.has(reference)) {
      this.o.event(
        runtime,
        c,
        'Normal',
        'Pulled',
        `Container image "${c.image}" already present on machine`,
      );
      this.o.startContainer(runtime, c);
      next();
      return;
    }
    if (policy === 'Never') {
      c.waitingReason = 'ErrImageNeverPull';
      c.waitingMessage = `Container image "${c.image}" is not present with pull policy of Never`;
      this.o.event(runtime, c, 'Warning', 'ErrImageNeverPull', c.waitingMessage);
      this.o.event(runtime, c, 'Warning', 'Failed', 'Error: ErrImageNeverPull');
      this.o.writeStatus(runtime);
      next();
      return;
    }
    this.pull(runtime, c, next);
  }

  private pull(runtime: PodRuntime, c: ContainerProcess, next: () => void): void {
    const parsed = c.parsed;
    if (!parsed) return;
    this.o.event(runtime, c, 'Normal', 'Pulling', `Pulling image "${c.image}"`);
    const pullMs = this.o.timings.pullMs;
    this.o.after(runtime, pullMs, () => {
      if (this.o.images.exists(parsed)) {
        this.pulled.add(imageReference(parsed));
        this.o.event(
          runtime,
          c,
          'Normal',
          'Pulled',
          `Successfully pulled image "${c.image}" in ${goDuration(pullMs)} (${goDuration(pullMs)} including waiting)`,
        );
        this.o.startContainer(runtime, c);
        next();
        return;
      }
      this.reportFailedPull(runtime, c, parsed);
      next();
      this.retryAfterBackoff(runtime, c);
    });
  }

  /** ErrImagePull: the image is not in the catalogue. */
  private reportFailedPull(runtime: PodRuntime, c: ContainerProcess, parsed: ParsedImage): void {
    const reference = imageReference(parsed);
    const error =
      `rpc error: code = NotFound desc = failed to pull and unpack image "${reference}": ` +
      `failed to resolve reference "${reference}": ${reference}: not found`;
    c.waitingReason = 'ErrImagePull';
    c.waitingMessage = error;
    this.o.event(runtime, c, 'Warning', 'Failed', `Failed to pull image "${c.image}": ${error}`);
    this.o.event(runtime, c, 'Warning', 'Failed', 'Error: ErrImagePull');
    this.o.writeStatus(runtime);
  }

  /** ImagePullBackOff at the next pod sync, and another pull once the (doubled) back-off ends. */
  private retryAfterBackoff(runtime: PodRuntime, c: ContainerProcess): void {
    const backoff = c.pullBackoffMs;
    c.pullBackoffMs = Math.min(backoff * 2, this.o.timings.maxBackoffMs);
    this.o.after(runtime, this.o.timings.syncMs, () => {
      c.waitingReason = 'ImagePullBackOff';
      c.waitingMessage = `Back-off pulling image "${c.image}"`;
      this.o.event(runtime, c, 'Normal', 'BackOff', c.waitingMessage);
      this.o.event(runtime, c, 'Warning', 'Failed', 'Error: ImagePullBackOff');
      this.o.writeStatus(runtime);
    });
    this.o.after(runtime, Math.max(backoff, this.o.timings.syncMs + 1), () =>
      this.pull(runtime, c, () => {}),
    );
  }
}
