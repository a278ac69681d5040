/** What a simulated kubelet keeps, in memory, about each pod it runs and each container in it. */
import type { Container } from '../types.js';
import type { ContainerBehaviour } from './container-behaviour.js';
import type { ParsedImage } from './image-catalogue.js';
import type { ContainerRuntime } from './pod-status.js';

export interface ContainerProcess extends ContainerRuntime {
  spec: Container;
  /** Set once the image reference parsed (before any pull). */
  parsed?: ParsedImage;
  behaviour?: ContainerBehaviour;
  /** The wait before the next image pull; doubles after each failure. */
  pullBackoffMs: number;
  /** The wait before the next restart; 0 until the container first exits. */
  crashBackoffMs: number;
  timer?: number;
}

export interface PodRuntime {
  uid: string;
  namespace: string;
  name: string;
  podIP?: string;
  startTime: string;
  containers: ContainerProcess[];
  terminating: boolean;
  /** Clock timers for this pod, cleared when it terminates or goes. */
  timers: Set<number>;
}
