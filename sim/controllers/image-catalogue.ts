/**
 * The registry the simulated kubelet pulls from: which image repositories and tags exist, and
 * how a container of each behaves once started (what it logs, whether it keeps running, how it
 * reacts to SIGTERM). `nginx:1.82` is not in it, like on Docker Hub.
 */
import { createHash } from 'node:crypto';

export type ImageBehaviour = 'nginx' | 'busybox' | 'server';

export interface ImageCatalogueOptions {
  /** Repository (`nginx`, `busybox`, `ghcr.io/acme/app`) → tags that exist. */
  repositories?: Record<string, string[]>;
}

export const DEFAULT_REPOSITORIES: Record<string, string[]> = {
  nginx: [
    '1.25',
    '1.26',
    '1.27',
    '1.27.5',
    '1.28',
    '1.28.0',
    '1.29',
    'alpine',
    'stable',
    'mainline',
    'latest',
  ],
  busybox: ['1.36', '1.36.1', '1.37', 'stable', 'latest'],
};

export interface ParsedImage {
  /** `docker.io/library/nginx` */
  fullRepository: string;
  /** `nginx` as written, without tag or digest. */
  repository: string;
  tag?: string;
  digest?: string;
}

/** Parses an image reference, or returns an error message as containerd would report it. */
export function parseImageReference(image: string): ParsedImage | { error: string } {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (rest !== rest.toLowerCase()) {
    return {
      error: `couldn't parse image reference "${image}": invalid reference format: repository name must be lowercase`,
    };
  }
  if (
    !/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[0-9]+)?([/a-z0-9._-]*)$/.test(
      rest,
    ) ||
    (tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(tag))
  ) {
    return { error: `couldn't parse image reference "${image}": invalid reference format` };
  }
  const segments = rest.split('/');
  const first = segments[0] ?? '';
  const hasRegistry =
    segments.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let fullRepository: string;
  if (hasRegistry) fullRepository = rest;
  else if (segments.length === 1) fullRepository = `docker.io/library/${rest}`;
  else fullRepository = `docker.io/${rest}`;
  return {
    fullRepository,
    repository: rest,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

export class ImageCatalogue {
  private readonly repositories = new Map<string, Set<string>>();

  constructor(options: ImageCatalogueOptions = {}) {
    for (const [repo, tags] of Object.entries(options.repositories ?? DEFAULT_REPOSITORIES))
      this.add(repo, tags);
  }

  /** Makes `repository:tag` pullable (repository as written in a pod, e.g. `nginx`). */
  add(repository: string, tags: string[]): void {
    const key = this.keyOf(repository);
    const set = this.repositories.get(key) ?? new Set<string>();
    for (const tag of tags) set.add(tag);
    this.repositories.set(key, set);
  }

  remove(repository: string, tag?: string): void {
    const key = this.keyOf(repository);
    if (tag === undefined) this.repositories.delete(key);
    else this.repositories.get(key)?.delete(tag);
  }

  list(): Record<string, string[]> {
    return Object.fromEntries([...this.repositories].map(([repo, tags]) => [repo, [...tags]]));
  }

  exists(image: ParsedImage): boolean {
    const tags = this.repositories.get(image.fullRepository);
    if (!tags) return false;
    if (image.digest) return true;
    return tags.has(image.tag ?? 'latest');
  }

  behaviourOf(image: ParsedImage): ImageBehaviour {
    const name = image.fullRepository.slice(image.fullRepository.lastIndexOf('/') + 1);
    if (name === 'nginx') return 'nginx';
    if (name === 'busybox' || name === 'alpine') return 'busybox';
    return 'server';
  }

  /** A stable fake digest for an image, like containerd's imageID. */
  digestOf(image: ParsedImage): string {
    if (image.digest) return image.digest;
    return `sha256:${createHash('sha256')
      .update(`${image.fullRepository}:${image.tag ?? 'latest'}`)
      .digest('hex')}`;
  }

  private keyOf(repository: string): string {
    const parsed = parseImageReference(repository);
    return 'error' in parsed ? repository : parsed.fullRepository;
  }
}
