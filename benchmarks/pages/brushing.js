// The scatter-plot matrix benchmark's page (benchmarks/scatter_matrix.py): the same points
// drawn by Plotly (WebGL) or by a plain 2D canvas, brushed by mouse events, one per frame.
"use strict";

/** Resolves at the next animation frame with its time stamp. */
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));

/** Mouse events as a hand sends them: pressed button, page coordinates. */
function mouse(type, target, x, y) {
  target.dispatchEvent(
    new MouseEvent(type, {
      bubbles: true,
      cancelable: true,
      view: window,
      clientX: x,
      clientY: y,
      button: 0,
      buttons: type === "mouseup" ? 0 : 1,
    }),
  );
}

/**
 * A box brush from `from` to `to` over `frames` frames on `target`, one mouse move per
 * frame; returns each frame's duration (ms) from the first move on.
 */
async function brush(target, from, to, frames) {
  await nextFrame();
  mouse("mousemove", target, from[0], from[1]);
  mouse("mousedown", target, from[0], from[1]);
  const stamps = [await nextFrame()];
  for (let i = 1; i <= frames; i++) {
    const t = i / frames;
    const x = from[0] + (to[0] - from[0]) * t;
    const y = from[1] + (to[1] - from[1]) * t;
    mouse("mousemove", document, x, y);
    stamps.push(await nextFrame());
  }
  mouse("mouseup", document, to[0], to[1]);
  await nextFrame();
  return stamps.slice(1).map((stamp, i) => stamp - stamps[i]);
}

/** A plain 2D canvas scatter-plot matrix: every cell redrawn on every brush move. */
class CanvasMatrix {
  constructor(canvas, columns, labels, colours) {
    this.context = canvas.getContext("2d");
    this.size = canvas.width;
    this.columns = columns;
    this.labels = labels;
    this.colours = colours;
    this.count = labels.length;
    this.cell = this.size / columns.length;
    this.selected = null;
    this.ranges = columns.map((values) => {
      let low = Infinity, high = -Infinity;
      for (const v of values) { low = Math.min(low, v); high = Math.max(high, v); }
      return [low, high];
    });
  }

  /** Pixel offset of value `v` of dimension `d` inside a cell. */
  at(d, v) {
    const [low, high] = this.ranges[d];
    return 4 + ((v - low) / (high - low || 1)) * (this.cell - 8);
  }

  draw() {
    const c = this.context, n = this.columns.length;
    c.clearRect(0, 0, this.size, this.size);
    // One path per colour and state: what a careful canvas implementation does.
    for (const chosen of [false, true]) {
      c.globalAlpha = this.selected && !chosen ? 0.15 : 1;
      for (let label = 0; label < this.colours.length; label++) {
        c.fillStyle = this.colours[label];
        c.beginPath();
        for (let i = 0; i < this.count; i++) {
          if (this.labels[i] !== label) continue;
          if ((this.selected !== null && this.selected[i] === 1) !== chosen) continue;
          for (let row = 0; row < n; row++) {
            const y = row * this.cell + this.cell - this.at(row, this.columns[row][i]);
            for (let col = 0; col < n; col++) {
              c.rect(col * this.cell + this.at(col, this.columns[col][i]) - 1, y - 1, 2, 2);
            }
          }
        }
        c.fill();
      }
    }
  }

  /** Select the points inside a page box drawn in cell (row, col), then redraw. */
  brush(row, col, box) {
    const [x0, y0, x1, y1] = box;
    const left = Math.min(x0, x1), right = Math.max(x0, x1);
    const top = Math.min(y0, y1), bottom = Math.max(y0, y1);
    const selected = new Uint8Array(this.count);
    let chosen = 0;
    for (let i = 0; i < this.count; i++) {
      const x = col * this.cell + this.at(col, this.columns[col][i]);
      const y = row * this.cell + this.cell - this.at(row, this.columns[row][i]);
      if (x >= left && x <= right && y >= top && y <= bottom) { selected[i] = 1; chosen++; }
    }
    this.selected = selected;
    this.draw();
    return chosen;
  }
}

window.__brushing = {
  /** Plotly: draw `figure`, brush subplot `subplot` (e.g. "xy2") across fractions `box`. */
  async plotly(figure, subplot, box, frames) {
    const gd = document.getElementById("plot");
    await Plotly.newPlot(gd, figure.data, figure.layout, { displayModeBar: false });
    await nextFrame();
    let selecting = 0;
    gd.on("plotly_selecting", () => selecting++);
    const area = gd.querySelector(`.nsewdrag[data-subplot="${subplot}"]`).getBoundingClientRect();
    const from = [area.left + box[0] * area.width, area.top + box[1] * area.height];
    const to = [area.left + box[2] * area.width, area.top + box[3] * area.height];
    const target = gd.querySelector(`.nsewdrag[data-subplot="${subplot}"]`);
    const times = await brush(target, from, to, frames);
    const selected = gd.data.reduce((sum, trace) => sum + (trace.selectedpoints || []).length, 0);
    await Plotly.purge(gd);
    return { times, selecting, selected };
  },

  /** The plain canvas: the same points, brushed in cell (row, col) across `box`. */
  async canvas(columns, labels, colours, size, cell, box, frames) {
    const canvas = document.getElementById("canvas");
    canvas.width = canvas.height = size;
    const matrix = new CanvasMatrix(canvas, columns, labels, colours);
    matrix.draw();
    const [row, col] = cell;
    const bounds = canvas.getBoundingClientRect();
    const left = bounds.left + col * matrix.cell, top = bounds.top + row * matrix.cell;
    const from = [left + box[0] * matrix.cell, top + box[1] * matrix.cell];
    const to = [left + box[2] * matrix.cell, top + box[3] * matrix.cell];
    let selected = 0;
    const onMove = (event) => {
      selected = matrix.brush(row, col, [from[0], from[1], event.clientX, event.clientY]);
    };
    document.addEventListener("mousemove", onMove);
    const times = await brush(canvas, from, to, frames);
    document.removeEventListener("mousemove", onMove);
    return { times, selecting: frames, selected };
  },
};
