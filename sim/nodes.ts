/** The Node objects of the simulated cluster: capacity, conditions and node info like a kind node's. */
import { formatTime } from './clock.js';
import type { KubeObject } from './types.js';

export interface SimulatedNodeOptions {
  name: string;
  /** CPU capacity (default `2`). */
  cpu?: string;
  /** Memory capacity (default `4Gi`). */
  memory?: string;
  /** Pod capacity (default 110). */
  pods?: number;
  labels?: Record<string, string>;
  taints?: Array<{
    key: string;
    value?: string;
    effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  }>;
  unschedulable?: boolean;
}

export function simulatedNode(options: SimulatedNodeOptions, index: number, now: Date): KubeObject {
  const time = formatTime(now);
  const resources = {
    cpu: options.cpu ?? '2',
    'ephemeral-storage': '61202244Ki',
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: options.memory ?? '4Gi',
    pods: String(options.pods ?? 110),
  };
  const condition = (
    type: string,
    status: string,
    reason: string,
    message: string,
  ): Record<string, string> => ({
    type,
    status,
    lastHeartbeatTime: time,
    lastTransitionTime: time,
    reason,
    message,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: options.name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': options.name,
        'kubernetes.io/os': 'linux',
        ...options.labels,
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      podCIDR: `10.244.${index}.0/24`,
      podCIDRs: [`10.244.${index}.0/24`],
      providerID: `kubegrade-sim://${options.name}`,
      ...(options.taints ? { taints: options.taints } : {}),
      ...(options.unschedulable ? { unschedulable: true } : {}),
    },
    status: {
      capacity: resources,
      allocatable: { ...resources },
      conditions: [
        condition(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
        ),
        condition(
          'DiskPressure',
          'False',
          'KubeletHasNoDiskPressure',
          'kubelet has no disk pressure',
        ),
        condition(
          'PIDPressure',
          'False',
          'KubeletHasSufficientPID',
          'kubelet has sufficient PID available',
        ),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: `172.18.0.${index + 2}` },
        { type: 'Hostname', address: options.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: `kubegrade-sim-${index}`,
        systemUUID: `kubegrade-sim-${index}`,
        bootID: `kubegrade-sim-${index}`,
        kernelVersion: '6.8.0-kubegrade-sim',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'containerd://1.7.1',
        kubeletVersion: 'v1.26.0',
        kubeProxyVersion: 'v1.26.0',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}
