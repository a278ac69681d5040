/**
 * The one stylesheet (/assets/kubegrade.css, CSP: style-src 'self'). Colours keep at least 4.5:1
 * contrast on their backgrounds; outcomes are said in words too, never by colour alone; the
 * layout is one column that fits a phone.
 */
export const stylesheet = `
:root { --ink: #1b1f24; --muted: #4a5360; --paper: #ffffff; --line: #c9d1d9;
  --pass: #116329; --pass-bg: #dafbe1; --fail: #a40e26; --fail-bg: #ffebe9;
  --error: #6e4a00; --error-bg: #fff3c4; --accent: #0a4fa8; }
* { box-sizing: border-box; }
body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: #f6f8fa; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--paper); padding: .5rem; z-index: 1; }
header.site, footer.site { padding: .5rem 1rem; background: #24292f; color: #ffffff; }
footer.site { background: transparent; color: var(--muted); font-size: .875rem; }
.brand { margin: 0; font-weight: 700; }
main { max-width: 52rem; margin: 0 auto; padding: 1rem; background: var(--paper); }
h1 { font-size: 1.6rem; margin: .5rem 0; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 .5rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 0 0 .25rem; }
.meta { color: var(--muted); }
a { color: var(--accent); }
.status { font-weight: 600; }
.score { font-size: 1.25rem; }
.score-value { font-size: 2rem; font-weight: 700; }
.pass { color: var(--pass); } .fail { color: var(--fail); }
.next { border-left: .35rem solid var(--accent); padding: .25rem 1rem; background: #eef4fc; }
.next-act { border-color: var(--fail); background: var(--fail-bg); }
.next-fix { border-color: var(--error); background: var(--error-bg); }
.next-done { border-color: var(--pass); background: var(--pass-bg); }
.next h2 { border: 0; margin-top: .5rem; }
pre { background: #24292f; color: #ffffff; padding: .5rem .75rem; overflow-x: auto; border-radius: 4px; }
ol.checks { list-style: none; padding: 0; margin: 0; }
.check, .question { border: 1px solid var(--line); border-radius: 6px; padding: .75rem; margin: .5rem 0; }
.check-passed { border-left: .35rem solid var(--pass); }
.check-failed { border-left: .35rem solid var(--fail); }
.check-error { border-left: .35rem solid var(--error); }
.check-pending { border-left: .35rem dashed var(--line); color: var(--muted); }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-weight: 600; font-size: .875rem; }
.badge-passed { background: var(--pass-bg); color: var(--pass); }
.badge-failed { background: var(--fail-bg); color: var(--fail); }
.badge-error { background: var(--error-bg); color: var(--error); }
.outcome { margin: .25rem 0; color: var(--muted); }
.message { margin: .25rem 0; }
.hint { margin: .25rem 0; color: var(--muted); }
.override { margin: .5rem 0 0; padding: .25rem .5rem; background: #fff8c5; border: 1px solid #d4a72c; }
.timeline-figure { margin: 0; }
svg.timeline { width: 100%; height: auto; display: block; }
svg .phase-pending { fill: #b35900; } svg .phase-running { fill: #1a7f37; }
svg .phase-done { fill: #0a4fa8; } svg .phase-failed, svg .phase-other { fill: #a40e26; }
svg .window { fill: #d0d7de; stroke: #57606a; stroke-dasharray: 4 3; }
svg .deleted { stroke: #a40e26; stroke-width: 3; }
svg .came-back { fill: #a40e26; }
svg .axis, svg .tick, svg .lead { stroke: #57606a; stroke-width: 1; }
svg .label { fill: #1b1f24; font-size: 14px; }
svg .tick-label { fill: #4a5360; font-size: 12px; }
figcaption { color: var(--muted); margin-top: .25rem; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.table-wrap { overflow-x: auto; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; }
form.filters label { display: flex; flex-direction: column; font-size: .9rem; }
input, select, button { font: inherit; padding: .25rem .4rem; }
button { background: var(--accent); color: #ffffff; border: 0; border-radius: 4px; padding: .35rem .9rem; }
main.wide { max-width: 68rem; }
h4 { font-size: 1rem; margin: .75rem 0 .25rem; }
dl.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .5rem; margin: 0; }
dl.figures div { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; }
dl.figures dt { color: var(--muted); font-size: .9rem; }
dl.figures dd { margin: 0; font-weight: 600; }
figure.chart { margin: 0 0 1rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
ol.bar-chart { list-style: none; padding: 0; margin: 0; max-width: 44rem; }
ol.bar-chart li { margin: .5rem 0; }
.bar-title { display: block; }
.bar-line { display: flex; align-items: center; gap: .5rem; }
svg.bar { flex: 1; height: .9rem; min-width: 5rem; }
svg.bar .bar-fill { fill: #1a7f37; } svg.bar .bar-rest { fill: #eaeef2; }
.bar-value { white-space: nowrap; font-size: .9rem; min-width: 7.5rem; }
@media (max-width: 30rem) { main { padding: .75rem; } h1 { font-size: 1.35rem; } }
`;
