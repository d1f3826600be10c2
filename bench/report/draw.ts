/**
 * The script inlined in every report page that draws each ChartSpec (page.ts) with Chart.js and its error-bar plugin.
 * Band datasets are hidden from the legend. Charts with `directLabels` name each series beside its mark (no legend
 * to decode colours with); the names drawn are kept on the chart as `$directLabels` so that tests can read them.
 */
export const DRAW = `
Chart.defaults.animation = false;
Chart.register(
  ChartErrorBars.BarWithErrorBarsController,
  ChartErrorBars.BarWithErrorBar,
  ChartErrorBars.ScatterWithErrorBarsController,
  ChartErrorBars.PointWithErrorBar
);
const LABEL_FONT = '11px system-ui, sans-serif';
const LABEL_HEIGHT = 12;
const measure = document.createElement('canvas').getContext('2d');
measure.font = LABEL_FONT;
const labelWidth = (texts) => Math.max(0, ...texts.map((t) => measure.measureText(t).width));

// Labels in a column (the right margin), sorted by their mark's height, then pushed apart (down, then up from the
// bottom) so none overlap.
function stack(labels, top, bottom) {
  labels.sort((a, b) => a.ay - b.ay);
  for (let i = 0; i < labels.length; i++)
    labels[i].y = Math.max(labels[i].ay, top, i ? labels[i - 1].y + LABEL_HEIGHT : top);
  for (let i = labels.length - 1; i >= 0; i--)
    labels[i].y = Math.min(labels[i].y, i < labels.length - 1 ? labels[i + 1].y - LABEL_HEIGHT : bottom);
}

// Labels beside their points: each moved down past any placed label it would overlap, and no further.
function nudge(labels) {
  labels.sort((a, b) => a.ay - b.ay);
  const placed = [];
  for (const l of labels) {
    l.x = l.ax + 8;
    l.y = l.ay;
    const hits = (p) => Math.abs(p.y - l.y) < LABEL_HEIGHT && p.x < l.x + l.width && l.x < p.x + p.width;
    for (let p = placed.find(hits); p; p = placed.find(hits)) l.y = p.y + LABEL_HEIGHT;
    placed.push(l);
  }
}

function directLabels(spec) {
  return {
    id: 'directLabels',
    afterDatasetsDraw(chart) {
      const area = chart.chartArea;
      const labels = [];
      chart.data.datasets.forEach((d, i) => {
        if (d.band || d.unlabelled || !chart.isDatasetVisible(i)) return;
        const marks = chart.getDatasetMeta(i).data.filter((p) => p && Number.isFinite(p.x) && Number.isFinite(p.y));
        if (!marks.length) return;
        let anchor = marks[marks.length - 1];
        if (spec.labelAt !== undefined) {
          const at = chart.scales.x.getPixelForValue(spec.labelAt);
          anchor = marks.reduce((a, p) => (Math.abs(p.x - at) < Math.abs(a.x - at) ? p : a));
        }
        const width = measure.measureText(d.label).width;
        labels.push({ text: d.label, colour: d.borderColor, ax: anchor.x, ay: anchor.y, width });
      });
      if (spec.directLabels === 'end') {
        stack(labels, area.top + LABEL_HEIGHT / 2, area.bottom);
        for (const l of labels) l.x = area.right + 8;
      } else nudge(labels);
      const ctx = chart.ctx;
      ctx.save();
      ctx.font = LABEL_FONT;
      ctx.textBaseline = 'middle';
      for (const l of labels) {
        if (spec.directLabels === 'end' || Math.abs(l.y - l.ay) > 3) {
          ctx.strokeStyle = l.colour;
          ctx.lineWidth = 0.7;
          ctx.beginPath();
          ctx.moveTo(l.ax + 2, l.ay);
          ctx.lineTo(l.x - 2, l.y);
          ctx.stroke();
        }
        // A white halo keeps the text legible over grid lines and whiskers.
        ctx.strokeStyle = 'white';
        ctx.lineWidth = 3;
        ctx.strokeText(l.text, l.x, l.y);
        ctx.fillStyle = l.colour;
        ctx.fillText(l.text, l.x, l.y);
      }
      ctx.restore();
      chart.$directLabels = labels.map((l) => l.text);
    },
  };
}

for (const spec of CHARTS) {
  const datasets = [];
  for (const d of spec.datasets) {
    if (d.band) {
      const edge = (key) => d.band.map((p) => ({ x: p.x, y: p[key] }));
      const label = d.label + ' 95% CI';
      datasets.push({ label, band: true, data: edge('low'), borderWidth: 0, pointRadius: 0, fill: false });
      datasets.push({
        label,
        band: true,
        data: edge('high'),
        borderWidth: 0,
        pointRadius: 0,
        fill: '-1',
        backgroundColor: d.colour + '30',
      });
    }
    const dataset = {
      label: d.label,
      data: d.data,
      borderColor: d.colour,
      backgroundColor: d.colours || d.colour,
      borderDash: d.dashed ? [6, 4] : [],
      borderWidth: 2,
      pointRadius: d.pointRadius !== undefined ? d.pointRadius : spec.type === 'scatter' ? 5 : 0,
      unlabelled: !!d.unlabelled,
      // A joined line's whiskers take its colour, so that two lines' whiskers at one x are told apart.
      errorBarColor: d.line ? d.colour : '#333',
      errorBarWhiskerColor: d.line ? d.colour : '#333',
    };
    if (d.line) dataset.showLine = true;
    datasets.push(dataset);
  }
  const type = spec.type === 'scatter' ? 'scatterWithErrorBars' : spec.type === 'bar' ? 'barWithErrorBars' : 'line';
  const axis = (text, extra) => Object.assign({ title: { display: true, text } }, extra || {});
  const numeric = spec.type !== 'bar';
  const zero = spec.zero !== undefined ? spec.zero : spec.type !== 'scatter';
  const value = spec.horizontal ? 'x' : 'y';
  const xType = spec.log ? 'logarithmic' : numeric ? 'linear' : undefined;
  const scales = { x: axis(spec.xLabel, xType ? { type: xType } : {}), y: axis(spec.yLabel) };
  if (spec.log) scales.y.type = 'logarithmic';
  else scales[value].beginAtZero = zero;
  if (spec.range) Object.assign(scales[value], { min: spec.range[0], max: spec.range[1] });
  if (spec.xRange) Object.assign(scales.x, { min: spec.xRange[0], max: spec.xRange[1] });
  if (spec.xTicks) scales.x.ticks = { callback: (v) => (Number.isInteger(v) ? spec.xTicks[v] : undefined) };
  if (spec.xTickValues) scales.x.afterBuildTicks = (axis) => (axis.ticks = spec.xTickValues.map((v) => ({ value: v })));
  // Log axes: a label at each power of ten only, written short (1e-4, 0.01, 1).
  const decade = (v) => {
    const e = Math.round(Math.log10(v));
    return Math.abs(Math.log10(v) - e) > 1e-9 ? '' : e < -2 ? '1e' + e : String(Number(v.toPrecision(1)));
  };
  if (spec.log) for (const s of [scales.x, scales.y]) s.ticks = { autoSkip: false, callback: decade };
  const labelled = spec.directLabels ? datasets.filter((d) => !d.band && !d.unlabelled).map((d) => d.label) : [];
  new Chart(document.getElementById(spec.id), {
    type,
    data: numeric ? { datasets } : { labels: spec.labels, datasets },
    options: {
      maintainAspectRatio: false,
      indexAxis: spec.horizontal ? 'y' : 'x',
      scales,
      layout: { padding: { right: labelled.length ? labelWidth(labelled) + 12 : 0 } },
      plugins: {
        legend: {
          display: !spec.directLabels && spec.legend !== false,
          position: 'bottom',
          labels: { filter: (item, data) => !data.datasets[item.datasetIndex].band },
        },
      },
    },
    plugins: spec.directLabels ? [directLabels(spec)] : [],
  });
}`
