/**
 * A horizontal bar chart (uPlot on a canvas) with its numbers as a table
 * under <details>: the canvas is one image to screen readers, the table is
 * the accessible and exact form. At most two series, drawn side by side.
 */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { Empty } from "./states";

export interface BarSeries {
  label: string;
  values: number[];
  /** A colour that also reads in the legend; the legend gives the word. */
  color: string;
}

export interface BarChartProps {
  title: string;
  /** What the categories are, e.g. "Department": the table's first column. */
  categoryHeading: string;
  categories: string[];
  series: BarSeries[];
  /** Extra columns for the table only (e.g. a share), one cell per category. */
  extra?: { heading: string; cells: string[] };
  empty?: string;
}

const ROW_PX = 34;
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

function chartOptions(props: BarChartProps, width: number): uPlot.Options {
  const { categories, series } = props;
  const n = categories.length;
  const longest = Math.max(...categories.map((c) => c.length), 4);
  const twin = series.length === 2;
  const labelPx = Math.min(Math.round(width * 0.4), longest * 7 + 16);
  // A name too long for the axis keeps its end (the most specific part); the table has it whole.
  const fits = Math.max(4, Math.floor((labelPx - 16) / 7));
  const short = (name: string) => (name.length > fits ? `…${name.slice(-(fits - 1))}` : name);
  const bars = uPlot.paths.bars;
  return {
    width,
    height: n * ROW_PX + 50,
    scales: {
      x: { time: false, ori: 1, dir: -1, range: [-0.5, n - 0.5] },
      y: { ori: 0, range: (_u, _min, max) => [0, max > 0 ? Math.ceil(max * 1.1) : 1] },
    },
    axes: [
      {
        scale: "x",
        side: 3,
        size: labelPx,
        splits: () => categories.map((_, i) => i),
        values: (_u, splits) => splits.map((i) => short(categories[i] ?? "")),
        grid: { show: false },
        ticks: { show: false },
        gap: 6,
      },
      { scale: "y", side: 2, incrs: COUNT_STEPS, values: (_u, splits) => splits.map((v) => String(v)), size: 30 },
    ],
    series: [
      {},
      ...series.map((s, i) => ({
        label: s.label,
        fill: s.color,
        stroke: s.color,
        width: 0,
        points: { show: false },
        paths: bars ? bars({ size: [twin ? 0.4 : 0.6, 28], align: twin ? (i === 0 ? 1 : -1) : 0 }) : undefined,
      })),
    ],
    legend: { show: true, live: false },
    cursor: { show: false },
  };
}

function Chart(props: BarChartProps) {
  const box = useRef<HTMLDivElement>(null);
  // Redraw only when the figures change, not on every render of the screen.
  const figures = JSON.stringify([props.categories, props.series]);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const data: uPlot.AlignedData = [props.categories.map((_, i) => i), ...props.series.map((s) => s.values)];
    const plot = new uPlot(chartOptions(props, Math.max(el.clientWidth, 280)), data, el);
    const resize = new ResizeObserver(() => {
      const width = Math.max(el.clientWidth, 280);
      if (Math.abs(width - plot.width) > 2) plot.setSize({ width, height: plot.height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [figures]);
  const summary = `${props.title}: bar chart of ${props.series.map((s) => s.label).join(" and ")} for ${props.categories.length} ${props.categoryHeading.toLowerCase()} entries. The numbers are in the table below.`;
  return <div class="bar-chart" ref={box} role="img" aria-label={summary} />;
}

export function BarChart(props: BarChartProps) {
  const { title, categoryHeading, categories, series, extra } = props;
  return (
    <figure class="chart card">
      <figcaption>
        <h3>{title}</h3>
      </figcaption>
      {categories.length === 0 ? (
        <Empty>{props.empty ?? "Nothing to show for this period."}</Empty>
      ) : (
        <>
          <Chart {...props} />
          <details class="chart-numbers">
            <summary>Numbers for “{title}”</summary>
            <div class="table-scroll">
              <table>
                <caption class="visually-hidden">{title}</caption>
                <thead>
                  <tr>
                    <th scope="col">{categoryHeading}</th>
                    {series.map((s) => (
                      <th scope="col" key={s.label} class="num">
                        {s.label}
                      </th>
                    ))}
                    {extra && (
                      <th scope="col" class="num">
                        {extra.heading}
                      </th>
                    )}
                  </tr>
                </thead>
                <tbody>
                  {categories.map((category, i) => (
                    <tr key={category}>
                      <th scope="row">{category}</th>
                      {series.map((s) => (
                        <td key={s.label} class="num">
                          {s.values[i] ?? 0}
                        </td>
                      ))}
                      {extra && <td class="num">{extra.cells[i] ?? ""}</td>}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </figure>
  );
}
