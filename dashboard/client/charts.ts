/**
 * The market and capacity charts (uPlot): Spot price and placement score per region over time, and where
 * capacity ran, with each move drawn where it happened. Times on the axis are UTC, like everything else.
 */
import uPlot from 'uplot';
import { niceTicks } from '../../core/display.ts';
import { REGION_COLOURS } from './config.ts';
import { byId, fillIfChanged, h, muted } from './dom.ts';
import type { HistoryView, MoveRecord } from './types.ts';
import { timeCell } from './widgets.ts';

type Measure = 'price' | 'score' | 'running';

interface ChartSpec {
  id: string;
  measure: Measure;
  label: string;
  /** How a value reads on the axis and in the legend, given the axis step's decimals. */
  format: (value: number, decimals: number) => string;
  stepped: boolean;
  /** Draw the moves as vertical lines. */
  moves: boolean;
  /** Fixed y range (the score is 1-10). */
  range?: [number, number];
  /** Whole numbers only (instances). */
  integer?: boolean;
}

const SPECS: ChartSpec[] = [
  {
    id: 'price-chart',
    measure: 'price',
    label: 'Spot $/h',
    format: (v, d) => `$${v.toFixed(Math.max(2, Math.min(d, 4)))}`,
    stepped: true,
    moves: false,
  },
  {
    id: 'score-chart',
    measure: 'score',
    label: 'placement score',
    format: (v) => v.toFixed(0),
    stepped: true,
    moves: false,
    range: [0, 10],
  },
  {
    id: 'capacity-chart',
    measure: 'running',
    label: 'instances running',
    format: (v) => v.toFixed(0),
    stepped: true,
    moves: true,
    integer: true,
  },
];

const HEIGHT = 190;

/** A little room above and below the data, so a flat price is not drawn on the frame. */
const padded = (min: number, max: number): [number, number] => {
  const pad = Math.max((max - min) * 0.1, Math.abs(max) * 0.02, 0.001);
  return [min - pad, max + pad];
};

/** UTC times on the x axis: `09:45`, with the date (`11-24 09:45`) once the span is more than a day. */
const timeLabels = (splits: number[]) => {
  const span = (splits.at(-1) ?? 0) - (splits[0] ?? 0);
  return splits.map((ts) => {
    const iso = new Date(ts * 1000).toISOString();
    return span > 86_400 ? iso.slice(5, 16).replace('T', ' ') : iso.slice(11, 16);
  });
};

interface Live {
  plot: uPlot;
  key: string;
}

/** The axes' ticks: nice values only ($0.20, $0.25), at most five of them. */
const yAxis = (spec: ChartSpec, el: HTMLElement): uPlot.Axis => ({
  label: spec.label,
  size: 62,
  splits: (_u, _axis, min, max) =>
    niceTicks(min, max, 5).ticks.filter((v) => !spec.integer || Number.isInteger(v)),
  values: (_u, splits) => {
    const { decimals } = niceTicks(splits[0] ?? 0, splits.at(-1) ?? 1, 5);
    const labels = splits.map((v) => spec.format(v, decimals));
    // The labels are drawn on a canvas; the element says which, for people using a screen reader and for tests.
    el.dataset.ticks = labels.join(' ');
    return labels;
  },
});

function movesHook(moves: () => readonly MoveRecord[]) {
  return (u: uPlot) => {
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = '#cf222e';
    ctx.fillStyle = '#cf222e';
    ctx.setLineDash([4, 3]);
    ctx.lineWidth = 1.5 * devicePixelRatio;
    ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
    for (const move of moves()) {
      const x = u.valToPos(Date.parse(move.at) / 1000, 'x', true);
      if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.fillText(`→ ${move.to ?? '?'}`, x + 3 * devicePixelRatio, u.bbox.top + 12 * devicePixelRatio);
    }
    ctx.restore();
  };
}

export function chartsCard() {
  const live = new Map<string, Live>();
  let moves: readonly MoveRecord[] = [];

  function build(spec: ChartSpec, regions: string[], data: uPlot.AlignedData, el: HTMLElement): uPlot {
    const width = Math.max(240, el.clientWidth);
    return new uPlot(
      {
        width,
        height: HEIGHT,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: {
          x: { time: true },
          y: {
            range: (_u, min, max) => spec.range ?? (spec.integer ? [0, Math.max(1, max)] : padded(min, max)),
          },
        },
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
        series: [
          {},
          ...regions.map((region, i) => ({
            label: region,
            stroke: REGION_COLOURS[i % REGION_COLOURS.length],
            width: 2,
            ...(spec.stepped ? { paths: uPlot.paths.stepped?.({ align: 1 }) } : {}),
            value: (_u: uPlot, v: number | null) => (v === null ? '–' : spec.format(v, 4)),
          })),
        ],
        axes: [{ values: (_u, splits) => timeLabels(splits) }, yAxis(spec, el)],
        hooks: spec.moves ? { draw: [movesHook(() => moves)] } : {},
      },
      data,
      el,
    );
  }

  function renderMoves(list: readonly MoveRecord[]): void {
    fillIfChanged(byId('moves-body'), JSON.stringify(list), () => [
      list.length
        ? [...list]
            .reverse()
            .map((m) =>
              h(
                'tr',
                { class: 'move' },
                h('td', null, timeCell(m.at)),
                h(
                  'td',
                  null,
                  h('span', { class: 'region-name' }, m.from ?? '–'),
                  ' → ',
                  h('span', { class: 'region-name' }, m.to ?? '–'),
                ),
                h('td', { class: 'reason' }, m.reason),
                h('td', null, muted(m.source === 'api' ? 'hub' : 'observed')),
              ),
            )
        : h('tr', null, h('td', { colspan: 4, class: 'muted' }, 'No move yet.')),
    ]);
  }

  return {
    render(history: HistoryView | null): void {
      const card = byId('charts-empty');
      card.hidden = Boolean(history && history.t.length > 0);
      if (!history || history.t.length === 0) {
        card.textContent = history
          ? 'Collecting the first samples…'
          : 'No history from this server (GET /_local/history).';
        renderMoves(history?.moves ?? []);
        return;
      }
      moves = history.moves;
      const regions = Object.keys(history.regions);
      for (const spec of SPECS) {
        const el = byId(spec.id);
        const data: uPlot.AlignedData = [
          history.t,
          ...regions.map((r) => history.regions[r]?.[spec.measure] ?? []),
        ];
        const key = regions.join(',');
        const existing = live.get(spec.id);
        if (existing && existing.key === key) existing.plot.setData(data);
        else {
          existing?.plot.destroy();
          live.set(spec.id, { plot: build(spec, regions, data, el), key });
        }
        el.dataset.points = String(history.t.length);
        el.dataset.series = regions.join(',');
      }
      renderMoves(history.moves);
    },
    /** Fits every chart to its container (called when the window is resized). */
    resize(): void {
      for (const [id, { plot }] of live) {
        const width = Math.max(240, byId(id).clientWidth);
        if (Math.abs(width - plot.width) > 1) plot.setSize({ width, height: HEIGHT });
      }
    },
  };
}
