import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartProps {
  /** What the chart shows, for screen readers (the numbers are also in the text around it). */
  label: string;
  data: AlignedData;
  /** uPlot options without the size: the chart takes its container's width. */
  options: Omit<Options, 'width' | 'height'>;
  height?: number;
}

/** A uPlot chart that follows its container's width. */
export function Chart({ label, data, options, height = 180 }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    plot.current = new uPlot({ ...options, width: Math.max(200, element.clientWidth), height }, data, element);
    const observer = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, element.clientWidth), height }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // Options are built by the caller on each render; rebuilding on data change is enough.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, height]);
  return <div class="chart" ref={box} role="img" aria-label={label} />;
}

/**
 * A y axis's width from its widest label (uPlot's fixed default of 50 px cut "10,000" to "0,000"):
 * tick length + gap + the label measured in the axis's own font, scaled back from canvas pixels.
 * uPlot calls this again after it has laid out the ticks (cycleNum > 0) until the size settles;
 * an axis title (`label`) gets its own `labelSize` on top.
 */
export function fitAxisSize(self: uPlot, values: string[] | null, axisIndex: number, cycleNum: number): number {
  const axis = self.axes[axisIndex] as uPlot.Axis & { font: [string, number]; _size?: number };
  if (cycleNum > 1 && axis._size !== undefined) return axis._size;
  let size = (axis.ticks?.size ?? 10) + (axis.gap ?? 5) + 4;
  const widest = (values ?? []).reduce((longest, value) => (String(value).length > longest.length ? String(value) : longest), '');
  if (widest) {
    // save/restore: uPlot caches the context's font and would not set its own back.
    self.ctx.save();
    self.ctx.font = axis.font[0];
    size += self.ctx.measureText(widest).width / uPlot.pxRatio;
    self.ctx.restore();
  }
  return Math.ceil(size);
}

/** "1,200,000" → "1.2M", "12,500" → "12.5k": y-axis labels stay short; the exact figures are in the text around the chart. */
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
export function compactTicks(_self: uPlot, ticks: number[]): string[] {
  return ticks.map((tick) => compact.format(tick));
}

/** Bars for uPlot series (categories on the x axis as 0, 1, 2…). */
export const barPaths = uPlot.paths.bars!({ size: [0.7, 60] });
