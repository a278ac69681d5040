/** What `kubegrade --help` and `kubegrade <command> --help` print. */

const exitCodes = `exit codes: 0 passed (or valid), 1 not passed (or invalid), 2 usage or a missing file,
            3 could not grade or input refused (same error codes as the API)`;

export const generalHelp = `usage:
  kubegrade grade <assessment> --kubeconfig <file> [options]   grade your work
  kubegrade validate <assessment>                              check a rubric file
  kubegrade selftest <assessment> [--only <text>]              run a rubric's self-tests
  kubegrade export [options]                                   stream stored results (CSV or JSON Lines)
  kubegrade admin tenant|key ...                               tenants and API keys (operators)
  kubegrade <command> --help                                   help for one command

kubegrade grades a hands-on Kubernetes lesson on your own cluster, and helps rubric authors.

${exitCodes}`;

export const gradeHelp = `usage: kubegrade grade <assessment> --kubeconfig <file> [options]

Grades the lesson against your cluster with the service's own engine. Run it in the folder that
holds the lesson's manifest (first-pod: my-pod.yaml) while your Pod runs; when the running moment
is recorded it tells you to delete the Pod and counts down while it waits for the deletion.
Progress goes to stderr; the report goes once to stdout.

<assessment>              an id under assessments/ (first-pod), a folder, or an assessment.yaml
options:
  --kubeconfig <file>       your kubeconfig (inline credentials; exec plugins are refused)
  --context <name>          the kubeconfig context to use (default: its current-context)
  --namespace <ns>          the namespace of your Pod (default: the context's, else the rubric's)
  --manifest <file>         the manifest you applied (default: the rubric's file, e.g. ./my-pod.yaml;
                            a missing file is an error naming the path looked for)
  --answers <file>          quiz answers (see below); without it, the questions are asked when
                            stdin is a terminal, and left unanswered otherwise
  --json                    print the result as JSON instead of the report
  --request-timeout-ms <ms> limit per request to your cluster (default 10000)
  --time-scale <x>          for simulated clusters running faster than real time
  -h, --help                this help

answers file (YAML or JSON): one entry per question id (\`kubegrade grade first-pod --help\`
lists the questions); a free-text answer is a string, a single-choice answer a choice id, a
multiple-choice answer a list of choice ids. An id the quiz does not have is an error
(ANSWER_INVALID), so a typo is never silently dropped. Example (answers.yaml):
  pending-causes: "0/1 nodes are available: 1 Insufficient memory, or ErrImagePull"

A Pod that never reaches Running ends the grading early, with the cluster's diagnosis once and
what to do next.

${exitCodes}`;

export const validateHelp = `usage: kubegrade validate <assessment>

Checks a rubric (an id under assessments/, a folder, or an assessment.yaml) against the format
and prints each problem as file:line.

exit codes: 0 valid, 1 invalid, 2 usage`;

export const selftestHelp = `usage: kubegrade selftest <assessment> [--only <text>]

Runs a rubric's self-tests (the scenarios in tests/*.yaml beside its assessment.yaml): each plays
a learner on its own in-process simulated cluster, grades the attempt with the service's engine
and prints, for every check, the outcome the scenario expects and the one the grader reached,
then the score. For rubric authors: the reference solution must score full marks and each
known mistake its expected score.

<assessment>      an id under assessments/ (first-deployment), a folder, or an assessment.yaml
options:
  --only <text>   run only the scenarios whose file name contains <text> (e.g. 05-)

exit codes: 0 every scenario as expected, 1 a scenario differs, 2 usage`;

export const exportHelp = `usage: kubegrade export [--format csv|jsonl] [--per attempt|learner] [--assessment <id>]
                        [--course <id>] [--from <ISO date>] [--to <ISO date>] [--output <file>]

Streams stored results from the database named by DATABASE_URL (the same use case as
GET /v1/results/export), to stdout unless --output is given.

options:
  --format csv|jsonl        CSV (RFC 4180, one header row) or JSON Lines (default csv)
  --per attempt|learner     one row per attempt, or per learner and assessment with their best
                            and latest attempt (default attempt)
  --assessment <id>         only this assessment
  --course <id>             only this course
  --from, --to <date>       only attempts received in [from, to)
  -h, --help                this help

exit codes: 0 written, 2 usage`;
