/** The page's stylesheet (served as `/app.css`: the CSP allows no inline style element). */
export const PAGE_CSS = `
:root { --bg:#fff; --fg:#1d2330; --muted:#6b7280; --line:#e5e7eb; --llm:#6366f1; --tool:#10b981; --agent:#f59e0b; --retrieval:#0ea5e9; --embedding:#a855f7; --custom:#94a3b8; --fail:#dc2626; --sel:#eef2ff; }
@media (prefers-color-scheme: dark) { :root { --bg:#111318; --fg:#e5e7eb; --muted:#9ca3af; --line:#2a2f3a; --sel:#1e2238; } }
* { box-sizing: border-box; }
body { margin:0; font:13px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif; background:var(--bg); color:var(--fg); }
header { padding:8px 16px; border-bottom:1px solid var(--line); }
.brand { font-weight:700; color:var(--fg); text-decoration:none; }
#app > div { padding:10px 16px; }
a { color:var(--llm); }
.muted { color:var(--muted); } .small { font-size:11px; }
pre { white-space:pre-wrap; word-break:break-word; margin:4px 0; font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace; background:rgba(127,127,127,.08); padding:6px; border-radius:4px; max-height:400px; overflow:auto; }
.filters { display:flex; gap:6px; flex-wrap:wrap; margin-bottom:8px; }
.filters input[type=search] { min-width:260px; } .filters label.date { color:var(--muted); }
select, input, button, .button { font:inherit; padding:3px 6px; border:1px solid var(--line); border-radius:4px; background:var(--bg); color:var(--fg); }
button, .button { cursor:pointer; text-decoration:none; }
.compare-bar { margin:4px 0; }
table.traces { width:100%; border-collapse:collapse; }
table.traces th { text-align:left; font-weight:600; color:var(--muted); border-bottom:1px solid var(--line); padding:4px 6px; position:sticky; top:0; background:var(--bg); }
table.traces td { padding:4px 6px; border-bottom:1px solid var(--line); vertical-align:top; }
table.traces tr { cursor:pointer; } table.traces tbody tr:hover { background:var(--sel); }
.num { text-align:right; white-space:nowrap; }
.status.failed, .failed > .wf-name .wf-label, .error { color:var(--fail); }
.summary { display:flex; flex-wrap:wrap; gap:14px; padding:8px 0; border-bottom:1px solid var(--line); margin-bottom:8px; }
.sum-item .label, .field .label { color:var(--muted); font-size:11px; }
.sum-item .value { font-weight:600; }
.wf-col { flex:1 1 auto; min-width:0; }
.scale { display:flex; justify-content:space-between; margin-left:40%; margin-right:56px; color:var(--muted); font-size:11px; }
.split { display:flex; gap:12px; align-items:flex-start; }
.wf { position:relative; height:calc(100vh - 200px); min-height:300px; overflow:auto; border:1px solid var(--line); border-radius:4px; }
.wf-inner { position:relative; }
.wf-row { position:absolute; left:0; right:0; height:26px; display:flex; align-items:center; cursor:pointer; border-bottom:1px solid rgba(127,127,127,.08); }
.wf-row:hover { background:rgba(127,127,127,.08); } .wf-row.selected { background:var(--sel); }
.wf-row.failed { background:rgba(220,38,38,.07); }
.wf-name { width:40%; overflow:hidden; white-space:nowrap; text-overflow:ellipsis; }
.wf-track { position:relative; width:60%; height:100%; }
.bar { position:absolute; top:7px; height:12px; border-radius:2px; background:var(--custom); }
.bar.open { opacity:.5; } .bar.failed { background:var(--fail) !important; }
.ttft { position:absolute; top:4px; width:2px; height:18px; background:var(--fg); }
/* The bars' time scale ends before the duration column, so a label never covers a bar. */
.wf-lane { position:absolute; left:0; right:56px; top:0; bottom:0; }
.wf-dur { position:absolute; right:4px; top:5px; font-size:11px; color:var(--muted); }
.badge { display:inline-block; font-size:10px; padding:0 5px; border-radius:8px; color:#fff; background:var(--custom); margin-right:6px; }
.type-llm { background:var(--llm); } .type-tool { background:var(--tool); } .type-agent { background:var(--agent); } .type-retrieval { background:var(--retrieval); } .type-embedding { background:var(--embedding); }
.link-lines { position:absolute; left:0; pointer-events:none; z-index:1; }
.tool-link path { fill:none; stroke-width:1.5; } .tool-link { opacity:.45; } .tool-link.active { opacity:1; } .tool-link.active path { stroke-width:2.2; }
.tool-link.call path { stroke:var(--llm); } .tool-link.result path { stroke:var(--tool); } .tool-link.inferred path:not(.head) { stroke-dasharray:3 2; }
.fail-mark { color:var(--fail); margin-left:6px; font-weight:700; }
.side { width:min(40vw, 520px); flex:0 0 auto; height:calc(100vh - 190px); overflow:auto; border:1px solid var(--line); border-radius:4px; padding:8px; }
.panel h2 { font-size:15px; margin:0 0 6px; word-break:break-word; }
.panel h3 { font-size:12px; text-transform:uppercase; color:var(--muted); margin:12px 0 4px; }
.fields { display:flex; flex-wrap:wrap; gap:4px 14px; } .field { display:flex; flex-direction:column; }
.meta .field { width:100%; }
.chat { display:flex; flex-direction:column; gap:6px; }
.msg { border:1px solid var(--line); border-radius:6px; padding:6px 8px; }
.msg .role { font-size:10px; text-transform:uppercase; color:var(--muted); font-weight:600; }
.msg .text { white-space:pre-wrap; word-break:break-word; }
.role-system { background:rgba(127,127,127,.08); } .role-user { border-left:3px solid var(--retrieval); } .role-assistant { border-left:3px solid var(--llm); } .role-tool { border-left:3px solid var(--tool); }
.chat-sep { text-align:center; font-size:11px; color:var(--muted); border-top:1px dashed var(--line); padding-top:2px; }
.tool-call-name { font-weight:600; color:var(--tool); }
.reasoning { font-style:italic; color:var(--muted); white-space:pre-wrap; }
ul.tools, ul.links { margin:0; padding-left:16px; } .tools li.called { font-weight:600; }
button.link { border:none; background:none; color:var(--llm); padding:0; text-decoration:underline; }
table.compare { width:100%; border-collapse:collapse; } table.compare td, table.compare th { border-bottom:1px solid var(--line); padding:4px 6px; text-align:left; vertical-align:top; }
table.compare td.missing { color:var(--muted); background:rgba(127,127,127,.06); }
tr.differs { background:rgba(245,158,11,.10); } .differs-label { color:var(--agent); }
tr.only-a td:not(.missing), tr.only-b td:not(.missing) { background:rgba(14,165,233,.08); }
table.compare pre.out { max-height:160px; }
td.change { white-space:normal; } .delta { display:inline-block; margin-left:6px; font-weight:600; }
.delta.up { color:var(--fail); } .delta.down { color:var(--tool); }
`;
