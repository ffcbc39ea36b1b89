package report

// pageTemplate is the report. It is written as well-formed XML too (void
// elements closed, numeric character references only), so that tests can
// parse it strictly. No scripts and no external references.
const pageTemplate = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="generator" content="Slant{{with .Meta.Version}} {{.}}{{end}}"/>
<title>{{.Title}}</title>
<style>
:root { --ink: #1a1a1a; --muted: #5f6368; --rule: #d9dce1; --soft: #f4f6f8; --accent: #2166ac; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); background: #ffffff;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 28px 32px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h1 .project { color: var(--accent); }
h2 { font-size: 21px; margin: 40px 0 10px; padding-bottom: 6px; border-bottom: 2px solid var(--ink); }
h2 .sub { font-size: 14px; font-weight: normal; color: var(--muted); margin-left: 8px; }
h3 { font-size: 16px; margin: 24px 0 8px; }
p { margin: 6px 0; }
.muted, .note { color: var(--muted); }
.note { font-size: 13px; }
.made { color: var(--muted); margin-bottom: 16px; }
.summary { display: flex; flex-wrap: wrap; gap: 12px 36px; align-items: flex-start; }
.summary > div { min-width: 260px; }
.summary .note { max-width: 340px; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 14px; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #9aa0a6; font-weight: 600; white-space: nowrap; }
tbody th { font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.undefined { color: var(--muted); font-style: italic; }
table.metrics td.note { font-size: 13px; }
.badge { display: inline-block; font-size: 11px; line-height: 1.3; padding: 1px 6px; margin-left: 6px; border-radius: 8px;
  background: #fde8e8; color: #9b1c1c; border: 1px solid #f5b5b5; white-space: nowrap; }
.name { overflow-wrap: break-word; }
nav.contents { margin: 14px 0 0; font-size: 14px; }
nav.contents a { color: var(--accent); margin-right: 14px; text-decoration: none; }
.methods { margin: 10px 0 16px; border: 1px solid #b7c6d8; border-left: 4px solid var(--accent); background: #f3f7fb;
  padding: 8px 12px; border-radius: 4px; }
.methods .caption { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.methods .sentence { margin: 4px 0 0; font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 14px; user-select: all; -webkit-user-select: all; overflow-wrap: anywhere; }
.columns { display: flex; flex-wrap: wrap; gap: 8px 32px; align-items: flex-start; }
figure { margin: 8px 0 12px; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 2px; max-width: 420px; }
figcaption b { color: var(--ink); }
svg { max-width: 100%; height: auto; display: block; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 11px; fill: #1a1a1a; }
svg .axis { fill: #3c4043; }
svg .axis-title { font-weight: 600; font-size: 12px; }
svg .total { fill: var(--muted); }
.confusions { display: flex; flex-wrap: wrap; gap: 4px 28px; align-items: flex-start; }
.bar { display: inline-block; height: 10px; width: 120px; background: var(--soft); border: 1px solid var(--rule); vertical-align: middle; }
.bar span { display: block; height: 100%; background: var(--accent); }
footer { margin-top: 44px; padding-top: 10px; border-top: 1px solid var(--rule); font-size: 13px; color: var(--muted); }
@media print {
  @page { margin: 14mm; }
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav.contents { display: none; }
  section.task ~ section.task, section.task ~ section.spans { break-before: page; page-break-before: always; }
  table, .methods, figure { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
}
</style>
</head>
<body>
<main>
<header>
<h1>Agreement{{with .Meta.Project}} — <span class="project name">{{.}}</span>{{end}}</h1>
<p class="made">{{if .Made}}Made {{.Made}}{{end}}{{with .Meta.Version}} by Slant {{.}}{{end}}</p>
<div class="summary">
<div>
<h3>Annotators</h3>
<table class="annotators">
<thead><tr><th>Annotator</th><th class="n">Documents</th><th>Blind</th></tr></thead>
<tbody>
{{- range .Annotators}}
<tr><th class="name">{{.Name}}</th><td class="n">{{.Documents}}</td><td>{{if .Blind}}yes{{else}}<span class="badge" title="has opened the review and seen others' labels">not blind</span>{{end}}</td></tr>
{{- else}}
<tr><td colspan="3" class="undefined">none</td></tr>
{{- end}}
</tbody>
</table>
{{- if .NotBlind}}
<p class="note">Not blind: has opened the review and seen the others' labels; their later labels may lean on them.</p>
{{- end}}
</div>
<div>
<h3>Project</h3>
<table class="facts">
<tbody>
<tr><th>Documents</th><td class="n">{{.Documents}}</td></tr>
{{- range .Options}}
<tr><th>{{.Key}}</th><td>{{.Value}}</td></tr>
{{- end}}
</tbody>
</table>
</div>
</div>
{{- if .HasContents}}
<nav class="contents">Contents:
{{- range .Tasks}} <a href="#{{.Anchor}}">{{.Name}}</a>{{end}}
{{- if .Spans}} <a href="#spans">Span layers</a>{{end}}
</nav>
{{- end}}
</header>
{{- if not .Tasks}}
<p class="muted">No task to report.</p>
{{- end}}
{{range .Tasks}}
<section class="task" id="{{.Anchor}}">
<h2><span class="name">{{.Name}}</span><span class="sub">{{.Scope}} task, {{.Level}}{{if .Categories}}: {{range $i, $c := .Categories}}{{if $i}} · {{end}}{{$c}}{{end}}{{end}}</span></h2>
{{- if not .Units}}
<p class="muted">No unit of this task has a value yet: nothing to compare.</p>
{{- end}}
<div class="methods"><div class="caption">For a methods section</div><p class="sentence">{{.Methods}}</p></div>
<div class="columns">
<div>
<h3>Agreement</h3>
<table class="metrics">
<tbody>
{{- range .Metrics}}
<tr><th>{{.Name}}</th><td class="n{{if .Undefined}} undefined{{end}}">{{.Value}}</td><td class="note">{{.Note}}</td></tr>
{{- end}}
</tbody>
</table>
</div>
<div>
<h3>Per label</h3>
<table class="labels">
<thead><tr><th>Label</th><th class="n">Values</th><th class="n">Specific agreement</th><th></th></tr></thead>
<tbody>
{{- range .Labels}}
<tr><th class="name">{{.Label}}</th><td class="n">{{.Count}}</td><td class="n{{if .Specific.Undefined}} undefined{{end}}">{{.Specific.Text}}</td><td>{{if .Bar}}<span class="bar"><span style="width: {{.Bar}}%"></span></span>{{end}}</td></tr>
{{- else}}
<tr><td colspan="4" class="undefined">no labels</td></tr>
{{- end}}
</tbody>
</table>
<p class="note">Specific agreement: of the pairs of values in a unit where one is this label, the share where the other is too.</p>
</div>
</div>
<h3>Pairs of annotators</h3>
{{- if .NoPairs}}
<p class="muted">No two annotators share a unit of this task.</p>
{{- else}}
<table class="pairs">
<thead><tr><th>Annotator A</th><th>Annotator B</th><th class="n">Shared units</th><th class="n">Agreement</th><th class="n">Cohen's κ</th><th class="n">Scott's π</th>
{{- if .Weighted}}<th class="n">κ, linear weights</th><th class="n">κ, quadratic weights</th>{{end}}</tr></thead>
<tbody>
{{- $w := .Weighted}}
{{- range .Pairs}}
<tr><td class="name">{{.A}}</td><td class="name">{{.B}}</td><td class="n">{{.Shared}}</td>
{{- template "cell" .Agreement}}{{template "cell" .Kappa}}{{template "cell" .Pi}}
{{- if $w}}{{template "cell" .Weighted}}{{template "cell" .WeightedQuad}}{{end}}</tr>
{{- end}}
</tbody>
</table>
{{- end}}
<figure class="heatmap-figure">
{{template "heatmap" .Heatmap}}
<figcaption>Pairwise {{.Heatmap.Metric}} between annotators ({{.Name}}): red below 0 (worse than chance), white at 0 (chance), blue towards 1 (perfect). Grey hatched: undefined.</figcaption>
</figure>
{{- if .Confusions}}
<h3>Confusion matrices</h3>
<p class="note">Shared units counted by the first annotator's value (rows) and the second's (columns); the diagonal is agreement, framed. Σ: totals.</p>
<div class="confusions">
{{- range .Confusions}}
<figure class="confusion-figure">
{{template "confusion" .}}
<figcaption><b class="name">{{.A}}</b> (rows) × <b class="name">{{.B}}</b> (columns), {{.Caption}}</figcaption>
</figure>
{{- end}}
</div>
{{- end}}
</section>
{{end}}
{{- with .Spans}}
<section class="spans" id="spans">
<h2>Span layers<span class="sub">entities, quotes and speakers</span></h2>
<div class="methods"><div class="caption">For a methods section</div><p class="sentence">{{.Methods}}</p></div>
{{- range .Layers}}
<h3 id="{{.Anchor}}">{{.Name}}</h3>
<p class="note">{{.About}}</p>
<div class="columns">
<div>
<table class="metrics">
<tbody>
{{- range .Metrics}}
<tr><th>{{.Name}}</th><td class="n{{if .Undefined}} undefined{{end}}">{{.Value}}</td><td class="note">{{.Note}}</td></tr>
{{- end}}
</tbody>
</table>
</div>
{{- if .PerLabel}}
<div>
<table class="span-labels">
<thead><tr><th>Label</th><th class="n">F1 exact</th><th class="n">F1 overlap</th></tr></thead>
<tbody>
{{- range .PerLabel}}
<tr><th class="name">{{.Label}}</th>{{template "cell" .ExactF1}}{{template "cell" .OverlapF1}}</tr>
{{- end}}
</tbody>
</table>
</div>
{{- end}}
{{- if .Pairs}}
<div>
<table class="span-pairs">
<thead><tr><th>Annotator A</th><th>Annotator B</th><th class="n">F1 exact</th><th class="n">F1 overlap</th></tr></thead>
<tbody>
{{- range .Pairs}}
<tr><td class="name">{{.A}}</td><td class="name">{{.B}}</td>{{template "cell" .ExactF1}}{{template "cell" .OverlapF1}}</tr>
{{- end}}
</tbody>
</table>
</div>
{{- end}}
</div>
{{- end}}
<h3 id="speakers">Speakers</h3>
<p class="note">Who speaks, over quotes matched across annotators.</p>
<table class="metrics">
<tbody>
{{- range .Speakers}}
<tr><th>{{.Name}}</th><td class="n{{if .Undefined}} undefined{{end}}">{{.Value}}</td><td class="note">{{.Note}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
{{- end}}
<footer>Made by Slant{{with .Meta.Version}} {{.}}{{end}}{{if .Made}} on {{.Made}}{{end}}. Undefined: not enough data to compute (for example no unit coded by two annotators, or no variation in the values). κ, π and α are 1 for perfect agreement and 0 for what chance gives.</footer>
</main>
</body>
</html>
{{define "cell"}}<td class="n{{if .Undefined}} undefined{{end}}">{{.Text}}</td>{{end}}
{{define "label"}}<text x="{{.X}}" y="{{.Y}}" text-anchor="{{.Anchor}}"{{if .Rotate}} transform="{{.Rotate}}"{{end}} class="axis">{{if ne .Full .Text}}<title>{{.Full}}</title>{{end}}{{.Text}}</text>{{end}}
{{define "heatmap"}}<svg class="heatmap" width="{{.W}}" height="{{.H}}" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-label="Pairwise {{.Metric}} heatmap">
{{- range .RowLabels}}
{{template "label" .}}
{{- end}}
{{- range .ColLabels}}
{{template "label" .}}
{{- end}}
{{- range .Cells}}
<g class="{{if .Self}}self{{else}}pair{{end}}"><title>{{.Title}}</title><rect x="{{.X}}" y="{{.Y}}" width="{{.S}}" height="{{.S}}" fill="{{.Fill}}" stroke="{{if .Self}}#d9dce1{{else}}#ffffff{{end}}" stroke-width="1"/>
{{- range .Hatch}}<line x1="{{.X1}}" y1="{{.Y1}}" x2="{{.X2}}" y2="{{.Y2}}" stroke="#a8a8a8" stroke-width="1"/>{{end}}
{{- if .Text}}<text x="{{.TextX}}" y="{{.TextY}}" text-anchor="middle" fill="{{.TextFill}}" style="fill: {{.TextFill}}; font-size: {{.FontSize}}px">{{.Text}}</text>{{end}}</g>
{{- end}}
{{- range .Legend}}
<rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" fill="{{.Fill}}"/>
{{- end}}
<text x="{{.Title.X}}" y="{{.Title.Y}}" class="axis-title">{{.Title.Text}}</text>
{{- range .Ticks}}
<text x="{{.X}}" y="{{.Y}}" text-anchor="start" class="axis">{{.Text}}</text>
{{- end}}
{{- with .Undefined}}
<rect x="{{.X}}" y="{{.Y}}" width="{{.S}}" height="{{.S}}" fill="{{.Fill}}"/>
{{- range .Hatch}}<line x1="{{.X1}}" y1="{{.Y1}}" x2="{{.X2}}" y2="{{.Y2}}" stroke="#a8a8a8" stroke-width="1"/>{{end}}
{{- end}}
<text x="{{.UndefText.X}}" y="{{.UndefText.Y}}" class="axis">undefined</text>
</svg>{{end}}
{{define "confusion"}}<svg class="confusion" width="{{.W}}" height="{{.H}}" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-label="Confusion matrix">
{{template "label" .BTitle}}
{{template "label" .ATitle}}
{{- range .RowLabels}}
{{template "label" .}}
{{- end}}
{{- range .ColLabels}}
{{template "label" .}}
{{- end}}
{{- range .Cells}}
<g class="cell"><title>{{.Title}}</title><rect x="{{.X}}" y="{{.Y}}" width="{{.S}}" height="{{.S}}" fill="{{.Fill}}" stroke="{{if .Diag}}#3c4043{{else}}#d9dce1{{end}}" stroke-width="{{if .Diag}}1.5{{else}}1{{end}}"/><text class="count" data-row="{{.Row}}" data-col="{{.Col}}" x="{{.TextX}}" y="{{.TextY}}" text-anchor="middle" style="fill: {{.TextFill}}">{{.Count}}</text></g>
{{- end}}
{{- range .RowTotals}}
<text x="{{.X}}" y="{{.Y}}" class="total">{{.Text}}</text>
{{- end}}
{{- range .ColTotals}}
<text x="{{.X}}" y="{{.Y}}" text-anchor="middle" class="total">{{.Text}}</text>
{{- end}}
<text x="{{.TotalHead.X}}" y="{{.TotalHead.Y}}" class="total">Σ</text>
</svg>{{end}}
`
