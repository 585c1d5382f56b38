/*
 * Charts with uPlot (canvas). A canvas says nothing to a screen reader, so every chart has a text
 * label and sits beside a table of the same numbers, which is also where drill-down happens.
 */
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';

const PALETTE = ['#1d4ed8', '#b45309', '#047857', '#b91c1c', '#6d28d9', '#0e7490'];

export interface Series {
  readonly label: string;
  readonly values: ReadonlyArray<number | null>;
}

export interface ChartProps {
  /** What the chart shows, in words (the canvas's accessible name). */
  readonly label: string;
  /** X values: epoch seconds when `time`, else 0..n-1 with `categories` naming them. */
  readonly x: readonly number[];
  readonly series: readonly Series[];
  readonly time?: boolean;
  readonly categories?: readonly string[];
  readonly bars?: boolean;
  readonly height?: number;
  readonly yFormat?: (v: number) => string;
  /** Whole numbers only on the y axis (counts). */
  readonly integer?: boolean;
}

const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];

export const Chart = ({ label, x, series, time = false, categories, bars = false, height = 220, yFormat, integer = false }: ChartProps) => {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const width = Math.max(280, el.clientWidth || 600);
    const barPaths = uPlot.paths.bars?.({ size: [0.6, 60] });
    const opts: Options = {
      width,
      height,
      legend: { show: series.length > 1 },
      scales: {
        x: { time, ...(categories ? { range: [-0.5, Math.max(0.5, x.length - 0.5)] as [number, number] } : {}) },
        // Counts and amounts start at zero, so bar heights compare honestly.
        y: { range: (_u: uPlot, _min: number, max: number): [number, number] => [0, max > 0 ? max * 1.15 : 1] },
      },
      axes: [
        {
          stroke: '#334155',
          grid: { stroke: '#e2e8f0' },
          ...(categories ? { splits: () => x.map((_, i) => i), values: (_u: uPlot, splits: number[]) => splits.map((s) => categories[s] ?? '') } : {}),
        },
        { stroke: '#334155', grid: { stroke: '#e2e8f0' }, size: 70, ...(integer ? { incrs: WHOLE_STEPS } : {}), ...(yFormat ? { values: (_u: uPlot, splits: number[]) => splits.map(yFormat) } : {}) },
      ],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: PALETTE[i % PALETTE.length]!,
          width: 2,
          ...(bars ? { fill: `${PALETTE[i % PALETTE.length]!}cc`, ...(barPaths ? { paths: barPaths } : {}), points: { show: false } } : {}),
        })),
      ],
    };
    const data = [x.slice(), ...series.map((s) => s.values.slice())] as unknown as AlignedData;
    const plot = new uPlot(opts, data, el);
    return () => plot.destroy();
  }, [label, x, series, time, categories, bars, height, yFormat, integer]);
  return <div class="chart" ref={host} role="img" aria-label={label} />;
};
