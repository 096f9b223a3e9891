/** Small dependency-free SVG charts: the learning curve and the results chart. */
export interface Series {
  name: string;
  points: [number, number][];
  /** 'line' joins the points; 'points' draws labelled markers. */
  kind: 'line' | 'points';
}

export interface ReferenceLine {
  name: string;
  y: number;
}

export interface PanelSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  references?: ReferenceLine[];
  /** Logarithmic x axis (e.g. bytes). */
  xLog?: boolean;
}

const COLORS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#ff7f0e',
  '#8c564b',
  '#e377c2',
  '#17becf',
];
const WIDTH = 640;
const HEIGHT = 300;
const M = { left: 64, right: 170, top: 32, bottom: 44 };

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** About five round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  const span = hi - lo || Math.abs(hi) || 1;
  const step0 = span / 5;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= step0) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(+v.toPrecision(12));
  return out;
}

/** Ticks for a log axis spanning 10^lo..10^hi: 1, 2, 5 per decade, or whole decades when wide. */
function logTicks(lo: number, hi: number): number[] {
  const decades = Array.from(
    { length: Math.floor(hi) - Math.floor(lo) + 1 },
    (_, i) => 10 ** (Math.floor(lo) + i),
  );
  const within = (v: number) => Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9;
  const fine = decades.flatMap((p) => [1, 2, 5].map((m) => m * p)).filter(within);
  return fine.length <= 8 ? fine : decades.filter(within);
}

function label(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return String(+v.toPrecision(3));
}

function panel(spec: PanelSpec, offsetY: number): string {
  const xs = spec.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = [
    ...spec.series.flatMap((s) => s.points.map((p) => p[1])),
    ...(spec.references ?? []).map((r) => r.y),
  ];
  if (xs.length === 0) throw new RangeError(`chart "${spec.title}" has no points`);
  const fx = spec.xLog ? Math.log10 : (v: number) => v;
  let [x0, x1] = [Math.min(...xs.map(fx)), Math.max(...xs.map(fx))];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  // Markers at the extremes would sit on the frame: leave them room.
  if (spec.series.some((s) => s.kind === 'points')) {
    const room = (x1 - x0) * 0.05;
    [x0, x1] = [x0 - room, x1 + room];
  }
  const pad = (Math.max(...ys) - Math.min(...ys)) * 0.08 || 0.05;
  const [y0, y1] = [Math.min(...ys) - pad, Math.max(...ys) + pad];
  const w = WIDTH - M.left - M.right;
  const h = HEIGHT - M.top - M.bottom;
  const px = (v: number) => M.left + ((fx(v) - x0) / (x1 - x0)) * w;
  const py = (v: number) => offsetY + M.top + h - ((v - y0) / (y1 - y0)) * h;
  const parts: string[] = [
    `<text x="${M.left}" y="${offsetY + 20}" font-weight="bold">${escapeXml(spec.title)}</text>`,
    `<rect x="${M.left}" y="${offsetY + M.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`,
  ];
  const xTicks = spec.xLog ? logTicks(x0, x1) : ticks(x0, x1);
  for (const t of xTicks) {
    parts.push(
      `<line x1="${px(t)}" x2="${px(t)}" y1="${offsetY + M.top + h}" y2="${offsetY + M.top + h + 4}" stroke="#999"/>`,
      `<text x="${px(t)}" y="${offsetY + M.top + h + 16}" text-anchor="middle">${label(t)}</text>`,
    );
  }
  for (const t of ticks(y0, y1)) {
    parts.push(
      `<line x1="${M.left}" x2="${M.left + w}" y1="${py(t)}" y2="${py(t)}" stroke="#eee"/>`,
      `<text x="${M.left - 6}" y="${py(t) + 4}" text-anchor="end">${label(t)}</text>`,
    );
  }
  parts.push(
    `<text x="${M.left + w / 2}" y="${offsetY + HEIGHT - 8}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
    `<text transform="translate(16 ${offsetY + M.top + h / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  );
  let legendY = offsetY + M.top + 8;
  const legend = (text: string, color: string, marker: 'line' | 'point', dash = '') => {
    parts.push(
      marker === 'line'
        ? `<line x1="${M.left + w + 12}" x2="${M.left + w + 32}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${color}" stroke-width="2"${dash}/>`
        : `<circle cx="${M.left + w + 22}" cy="${legendY - 4}" r="3.5" fill="${color}"/>`,
      `<text x="${M.left + w + 38}" y="${legendY}">${escapeXml(text)}</text>`,
    );
    legendY += 16;
  };
  // Markers drawn later cover earlier ones at the same spot: each earlier one grows by a ring per
  // later marker there, so coinciding results stay visible as concentric circles.
  const spot = (p: [number, number]) => `${px(p[0]).toFixed(0)},${py(p[1]).toFixed(0)}`;
  const laterAt = (i: number, p: [number, number]) =>
    spec.series.slice(i + 1).filter((s) => s.points.some((q) => spot(q) === spot(p))).length;
  (spec.references ?? []).forEach((r, i) => {
    const color = COLORS[(COLORS.length - 1 - i) % COLORS.length];
    const dash = ' stroke-dasharray="6 4"';
    parts.push(
      `<line x1="${M.left}" x2="${M.left + w}" y1="${py(r.y)}" y2="${py(r.y)}" stroke="${color}"${dash}/>`,
    );
    legend(r.name, color, 'line', dash);
  });
  spec.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    if (s.kind === 'line') {
      const d = s.points
        .map((p, j) => `${j ? 'L' : 'M'}${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`)
        .join('');
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    }
    for (const p of s.points) {
      const r = 3.5 + 2.5 * laterAt(i, p);
      parts.push(
        `<circle cx="${px(p[0]).toFixed(1)}" cy="${py(p[1]).toFixed(1)}" r="${r}" fill="${color}"/>`,
      );
    }
    legend(s.name, color, s.kind === 'line' ? 'line' : 'point');
  });
  return parts.join('\n');
}

/** One SVG document with the panels stacked vertically. */
export function svgChart(panels: PanelSpec[]): string {
  const height = HEIGHT * panels.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    ...panels.map((p, i) => panel(p, i * HEIGHT)),
    '</svg>',
    '',
  ].join('\n');
}
