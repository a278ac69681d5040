#!/usr/bin/env bash
# The anchor for bench/grading-cpu.ts: the first-pod lesson graded the naive way, one kubectl
# process per check, against the same simulated cluster. Prints the CPU its child processes used
# (bash's `times`, second line: children's user and system time).
#
#   KUBECONFIG=<read-only kubeconfig> bash bench/kubectl-per-check.sh <namespace>
set -uo pipefail
ns=${1:?namespace}
k() { kubectl --request-timeout=10s -n "$ns" "$@" >/dev/null 2>&1; }

k wait --for=jsonpath='{.status.phase}'=Running pod/my-pod --timeout=90s   # pod-running
k get pod my-pod -o json                                                     # pod-matches-manifest
k get pod my-pod -o jsonpath='{.metadata.labels.app}'                        # cluster-label-app-web
k get pod my-pod -o jsonpath='{.spec.containers[0].ports[0].containerPort}'  # cluster-container-port-80
k get pod my-pod -o jsonpath='{.spec.containers[0].image}'                   # cluster-image-nginx
k logs my-pod --tail=50                                                      # nginx-started
k get events --field-selector involvedObject.name=my-pod                     # diagnosis
k get pod my-pod -o jsonpath='{.metadata.ownerReferences}'                   # pod-is-bare
k get replicasets,deployments                                                # pod-is-bare
[ -n "${READY_FILE:-}" ] && touch "$READY_FILE"                             # learner deletes now
k wait --for=delete pod/my-pod --timeout=300s                                # pod-deleted-not-recreated
k get pods -l app=web                                                        # stability window
times
