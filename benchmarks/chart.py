#!/usr/bin/env python3
"""Renders the benchmark results (JSON under benchmarks/results/) as an SVG chart and as the generated
sections of docs/benchmarks.md. Python 3 standard library only.

    python3 benchmarks/chart.py --results benchmarks/results --svg docs/benchmarks.svg --doc docs/benchmarks.md

Inputs (each optional; a missing one leaves a placeholder):
  load.json          the load harness (LoadHarness)
  jmh-decoder.json   JMH's -rf json output for DecoderBenchmark (with -prof gc for the allocation column)
  run-load.json, run-jmh.json   machine and command of each part, written by benchmarks/run-all.sh
In the doc, the text between '<!-- BEGIN GENERATED: name -->' and '<!-- END GENERATED: name -->' is replaced;
everything else is left as written.
"""
import argparse
import json
import os
import re
from html import escape

LABELS = {'ours': 'proxyproto4j', 'plain': 'plain port', 'jetty-builtin': "Jetty's ProxyConnectionFactory"}


def load_json(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def fmt(x, digits=3):
    return 'n/a' if x is None else f'{x:.{digits}f}'


def comparison_label(c, load=None):
    label = f"{c['server'].capitalize()} {c['mode']}: {c['a']} / {c['b']}"
    handler = ((load or {}).get('parameters') or {}).get('jettyHandler')
    if c['server'] == 'jetty' and handler:
        label += f' ({handler} handler)'
    return label


# ---------------------------------------------------------------- JMH

def jmh_rows(jmh):
    """One row per benchmark: (side, fixture, score, error, unit, alloc B/op or None)."""
    rows = []
    for b in jmh or []:
        method = b['benchmark'].rsplit('.', 1)[-1]
        side, _, fixture = method.partition('_')
        params = b.get('params') or {}
        if set(params) == {'input', 'reads'}:
            reads = params['reads']
            fixture = (fixture + ' ' if fixture else '') + \
                f"{params['input'].replace('_', ' ')}, {reads} read{'' if reads == '1' else 's'}"
        elif params:
            fixture = (fixture + ' ' if fixture else '') + ','.join(f'{k}={v}' for k, v in sorted(params.items()))
        pm = b['primaryMetric']
        alloc = None
        for name, metric in (b.get('secondaryMetrics') or {}).items():
            if name.lstrip('\u00b7') == 'gc.alloc.rate.norm':
                alloc = metric['score']
        rows.append((side, fixture or method, pm['score'], pm.get('scoreError'), pm['scoreUnit'], alloc))
    return rows


def jmh_table(jmh):
    rows = jmh_rows(jmh)
    if not rows:
        return ('| fixture | ours | Netty | ours / Netty | ours B/op | Netty B/op |\n|---|---|---|---|---|---|\n'
                '| *not measured yet: run benchmarks/run-all.sh, which writes benchmarks/results/jmh-decoder.json* '
                '| | | | | |\n')
    sides = sorted({r[0] for r in rows}, key=lambda s: (s == 'netty', s != 'ours', s))  # ours first, Netty last
    fixtures = []
    for r in rows:
        if r[1] not in fixtures:
            fixtures.append(r[1])
    by = {(r[0], r[1]): r for r in rows}
    unit = rows[0][4]
    out = ['| fixture | ' + ' | '.join(f'{s} ({unit})' for s in sides)
           + (' | ' + ' / '.join(sides[:2]) if len(sides) >= 2 else '')
           + ''.join(f' | {s} B/op' for s in sides)
           + (' | B/op ' + ' / '.join(sides[:2]) if len(sides) >= 2 else '') + ' |']
    out.append('|' + '---|' * (1 + len(sides) + 2 * (1 if len(sides) >= 2 else 0) + len(sides)))
    for f in fixtures:
        cells = [f]
        for s in sides:
            r = by.get((s, f))
            cells.append('' if r is None else f'{r[2]:.3f} ± {r[3]:.3f}' if r[3] == r[3] and r[3] is not None
                         else f'{r[2]:.3f}')
        if len(sides) >= 2:
            a, b = by.get((sides[0], f)), by.get((sides[1], f))
            cells.append(f'{a[2] / b[2]:.2f}' if a and b and b[2] else '')
        for s in sides:
            r = by.get((s, f))
            cells.append('' if r is None or r[5] is None else f'{r[5]:.0f}')
        if len(sides) >= 2:
            a, b = by.get((sides[0], f)), by.get((sides[1], f))
            cells.append(f'{a[5] / b[5]:.2f}' if a and b and a[5] is not None and b[5] else '')
        out.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(out) + '\n'


# ---------------------------------------------------------------- load

def load_table(load):
    head = ('| comparison | A / B | median ratio | 95 % CI (coverage) | goal | met | A req/s | B req/s '
            '| server CPU per request A / B | server context switches per request, A; B | client cores '
            '| server cores |\n'
            '|---|---|---|---|---|---|---|---|---|---|---|---|\n')
    if not load:
        return head + '| *not measured yet: run benchmarks/run-all.sh* ||||||||||||\n'
    lines = []
    for c in load['comparisons']:
        r, cpu = c['ratio'], c['serverCpuPerRequestRatio']
        handler = (load.get('parameters') or {}).get('jettyHandler')
        extra = f', {handler} handler' if c['server'] == 'jetty' and handler else ''
        lines.append('| {id} ({mode}, {conns} conn., PROXY {header}{extra}) | {a} / {b} | **{med}** | [{lo}, {hi}] ({cov:.1f} %, n={n}) '
                     '| {goal} | {met} | {ar:,.0f} | {br:,.0f} | {cpu} | {csa}; {csb} | {cc} | {sc} |'.format(
                         id=c['id'], mode=c['mode'], extra=extra, conns=c['connections'], header=c['header'], a=c['a'], b=c['b'],
                         med=fmt(r['median'], 4), lo=fmt(r['low'], 4), hi=fmt(r['high'], 4),
                         cov=100 * r['coverage'], n=r['n'], goal=c['goal'],
                         met='yes' if r['met'] else '**no**', ar=c['aRequestsPerSecondMedian'],
                         br=c['bRequestsPerSecondMedian'], cpu=fmt(cpu['median'], 3),
                         csa=fmt(c.get('aServerContextSwitchesPerRequestMedian'), 2),
                         csb=fmt(c.get('bServerContextSwitchesPerRequestMedian'), 2),
                         cc=fmt(c['clientCoresMedian'], 2), sc=fmt(c['serverCoresMedian'], 2)))
    return head + '\n'.join(lines) + '\n'


def load_pairs_table(load):
    if not load:
        return ''
    out = ['| comparison | per-pair ratios A / B, in run order (AB, BA, ...) |', '|---|---|']
    for c in load['comparisons']:
        out.append(f"| {c['id']} | " + ', '.join(f"{p['ratio']:.3f}" for p in c['pairs']) + ' |')
    return '\n'.join(out) + '\n'


def runs_section(results_dir, load, jmh):
    out = []
    for part, title in (('load', 'Load harness'), ('jmh', 'JMH decoder benchmark')):
        info = load_json(os.path.join(results_dir, f'run-{part}.json'))
        if info is None and part == 'load' and load:
            m = load['machine']
            info = {'started': load['started'], 'finished': load['finished'], 'nproc': m['cpus'],
                    'cpuModel': m['cpuModel'], 'memTotal': m['memTotal'], 'os': m['osRelease'], 'kernel': m['os'],
                    'java': [m['jdk']], 'command': 'LoadHarness ' + ' '.join(load['arguments'])}
        if info is None:
            out.append(f'- **{title}**: not run yet.')
            continue
        java = '; '.join(info['java']) if isinstance(info['java'], list) else info['java']
        out.append(f"- **{title}**: {info['started']} to {info['finished']} (UTC); {info['nproc']} CPUs "
                   f"({info['cpuModel']}), {info['memTotal']} RAM, {info['os']}, kernel {info['kernel']}; {java}.")
        if part == 'load' and load:
            m = load['machine']
            out.append(f"  Load average (1, 5, 15 min) at the start: {m['loadAverageBefore']}; "
                       f"at the end: {m['loadAverageAfter']}.")
        elif info.get('loadAverage'):
            out.append(f"  Load average (1, 5, 15 min) at the end: {' '.join(info['loadAverage'])}.")
        out.append(f"  Command: `{info['command']}`")
    return '\n'.join(out) + '\n'


# ---------------------------------------------------------------- SVG

def svg_chart(load, jmh):
    width, margin = 960, 20
    parts = []
    y = margin
    parts.append(f'<text x="{margin}" y="{y + 14}" font-size="16" font-weight="bold">proxyproto4j benchmarks</text>')
    y += 30
    if load:
        m = load['machine']
        parts.append(f'<text x="{margin}" y="{y + 4}" font-size="11">{escape(load["started"][:16])} UTC; '
                     f'{escape(m["cpus"])} CPUs ({escape(m["cpuModel"])}); {escape(m["jdk"])}; load average '
                     f'{escape(m["loadAverageBefore"])} at the start (other jobs running if above the CPU count)'
                     f'</text>')
        y += 16
        parts.append(f'<text x="{margin}" y="{y + 12}" font-size="13" font-weight="bold">Load: throughput '
                     f'A / B, median of {load["parameters"]["pairs"]} interleaved pairs with its 95 % interval '
                     f'(binomial order statistics); red tick = goal</text>')
        y += 24
        comps = load['comparisons']
        values = [v for c in comps for v in (c['ratio']['low'], c['ratio']['high'], c['goal'], 1.0)]
        lo, hi = min(values), max(values)
        pad = (hi - lo) * 0.08 or 0.01
        lo, hi = lo - pad, hi + pad
        x0, x1 = 350, width - 230
        sx = lambda v: x0 + (v - lo) / (hi - lo) * (x1 - x0)
        row = 28
        top = y
        for i, c in enumerate(comps):
            cy = y + i * row + row / 2
            r = c['ratio']
            colour = '#2a7' if r['met'] else '#c33'
            parts.append(f'<text x="{x0 - 8}" y="{cy + 4}" font-size="12" text-anchor="end">'
                         f'{escape(comparison_label(c, load))}</text>')
            parts.append(f'<line x1="{sx(r["low"]):.1f}" y1="{cy}" x2="{sx(r["high"]):.1f}" y2="{cy}" '
                         f'stroke="{colour}" stroke-width="3"/>')
            parts.append(f'<circle cx="{sx(r["median"]):.1f}" cy="{cy}" r="5" fill="{colour}"/>')
            gx = sx(c['goal'])
            parts.append(f'<line x1="{gx:.1f}" y1="{cy - 9}" x2="{gx:.1f}" y2="{cy + 9}" stroke="#d00" '
                         f'stroke-width="2"/>')
            parts.append(f'<text x="{x1 + 10}" y="{cy + 4}" font-size="12">{r["median"]:.3f} '
                         f'[{r["low"]:.3f}, {r["high"]:.3f}] goal {c["goal"]} {"met" if r["met"] else "MISSED"}'
                         f'</text>')
        bottom = y + len(comps) * row
        one = sx(1.0)
        parts.append(f'<line x1="{one:.1f}" y1="{top}" x2="{one:.1f}" y2="{bottom}" stroke="#888" '
                     f'stroke-dasharray="4 3"/>')
        parts.append(f'<line x1="{x0}" y1="{bottom + 4}" x2="{x1}" y2="{bottom + 4}" stroke="#444"/>')
        for k in range(6):
            v = lo + (hi - lo) * k / 5
            parts.append(f'<line x1="{sx(v):.1f}" y1="{bottom + 4}" x2="{sx(v):.1f}" y2="{bottom + 8}" '
                         f'stroke="#444"/>')
            parts.append(f'<text x="{sx(v):.1f}" y="{bottom + 20}" font-size="11" text-anchor="middle">'
                         f'{v:.3f}</text>')
        y = bottom + 36
        # Absolute throughput, one bar per side.
        parts.append(f'<text x="{margin}" y="{y + 12}" font-size="13" font-weight="bold">Load: absolute '
                     f'throughput, median req/s (A dark, B light)</text>')
        y += 24
        top_rps = max(max(c['aRequestsPerSecondMedian'], c['bRequestsPerSecondMedian']) for c in comps)
        bx = lambda v: x0 + v / top_rps * (x1 - x0)
        for i, c in enumerate(comps):
            cy = y + i * row
            parts.append(f'<text x="{x0 - 8}" y="{cy + 14}" font-size="12" text-anchor="end">'
                         f'{escape(comparison_label(c, load))}</text>')
            for k, (key, shade) in enumerate((('aRequestsPerSecondMedian', '#357'), ('bRequestsPerSecondMedian',
                                                                                    '#9bd'))):
                parts.append(f'<rect x="{x0}" y="{cy + 2 + k * 11}" width="{bx(c[key]) - x0:.1f}" height="10" '
                             f'fill="{shade}"/>')
                parts.append(f'<text x="{bx(c[key]) + 4:.1f}" y="{cy + 11 + k * 11}" font-size="10">'
                             f'{c[key]:,.0f} ({c["a"] if k == 0 else c["b"]})</text>')
        y += len(comps) * row + 16
    rows = jmh_rows(jmh)
    if rows:
        unit = rows[0][4]
        parts.append(f'<text x="{margin}" y="{y + 12}" font-size="13" font-weight="bold">JMH DecoderBenchmark: '
                     f'throughput ({escape(unit)}, ± JMH error), allocation per operation</text>')
        y += 24
        top_score = max(r[2] + (r[3] if r[3] == r[3] and r[3] is not None else 0) for r in rows)
        x0, x1 = 350, width - 230
        bx = lambda v: x0 + v / top_score * (x1 - x0)
        row = 22
        for i, (side, fixture, score, error, _, alloc) in enumerate(rows):
            cy = y + i * row
            shade = '#357' if side == 'ours' else '#d84'
            parts.append(f'<text x="{x0 - 8}" y="{cy + 13}" font-size="12" text-anchor="end">'
                         f'{escape(side)} {escape(fixture)}</text>')
            parts.append(f'<rect x="{x0}" y="{cy + 3}" width="{bx(score) - x0:.1f}" height="14" fill="{shade}"/>')
            if error is not None and error == error:
                parts.append(f'<line x1="{bx(max(score - error, 0)):.1f}" y1="{cy + 10}" '
                             f'x2="{bx(score + error):.1f}" y2="{cy + 10}" stroke="#000"/>')
            parts.append(f'<text x="{x1 + 10}" y="{cy + 13}" font-size="12">{score:.3f} {escape(unit)}'
                         + (f', {alloc:.0f} B/op' if alloc is not None else '') + '</text>')
        y += len(rows) * row + 10
    elif jmh is None:
        parts.append(f'<text x="{margin}" y="{y + 12}" font-size="12">JMH: not measured yet '
                     f'(benchmarks/results/jmh-decoder.json)</text>')
        y += 24
    height = y + margin
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif">\n'
            f'<rect width="100%" height="100%" fill="#fff"/>\n' + '\n'.join(parts) + '\n</svg>\n')


# ---------------------------------------------------------------- doc

def replace_section(doc, name, body):
    pattern = re.compile(r'(<!-- BEGIN GENERATED: %s -->\n).*?(<!-- END GENERATED: %s -->)' % (name, name), re.S)
    if not pattern.search(doc):
        raise SystemExit(f'docs: no generated section named {name!r}')
    return pattern.sub(lambda m: m.group(1) + body + m.group(2), doc)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--results', default='benchmarks/results')
    p.add_argument('--svg', default='docs/benchmarks.svg')
    p.add_argument('--doc', default='docs/benchmarks.md')
    args = p.parse_args()
    load = load_json(os.path.join(args.results, 'load.json'))
    jmh = load_json(os.path.join(args.results, 'jmh-decoder.json'))
    with open(args.svg, 'w', encoding='utf-8') as f:
        f.write(svg_chart(load, jmh))
    with open(args.doc, encoding='utf-8') as f:
        doc = f.read()
    doc = replace_section(doc, 'runs', runs_section(args.results, load, jmh))
    doc = replace_section(doc, 'load', load_table(load) + '\n' + load_pairs_table(load))
    doc = replace_section(doc, 'jmh', jmh_table(jmh))
    with open(args.doc, 'w', encoding='utf-8') as f:
        f.write(doc)


if __name__ == '__main__':
    main()
