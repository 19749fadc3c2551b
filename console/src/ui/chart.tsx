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

/** Bars for uPlot series (categories on the x axis as 0, 1, 2…). */
export const barPaths = uPlot.paths.bars!({ size: [0.7, 60] });
