/**
 * The synchronized multi-layer view: React composes the panels, controls and chart around
 * ONE canvas the renderer draws every panel into. React state holds what changes rarely
 * (loading, toggles, zoom); the reference pixel and the pan flow from the pointer to the
 * renderer and the chart through the ViewController without a React render, and each
 * panel's min/max (new on nearly every reference-cell change) goes from the renderer through
 * a RangeStore to that panel's colour scale alone.
 */
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from "react";
import type { Theme } from "streamlit-component-lib";

import { BarChart } from "./BarChart";
import { Controls } from "./Controls";
import type { ViewArgs } from "./contract";
import { featureCache } from "./data/featureCache";
import { loadImage } from "./data/image";
import type { FeatureFile } from "./data/featureFile";
import { type Point, type Size, panBy, pixelAt, screenToImage } from "./geometry";
import { type InteractionState, ViewController } from "./interaction";
import { useFrameTop, useHostWindowHeight } from "./hostWindow";
import { layoutStage } from "./layout";
import { MetricControl } from "./MetricControl";
import { hexToRgb } from "./palette";
import { Panel, type PanelPhase } from "./Panel";
import { panelNames } from "./panelNames";
import { RendererError } from "./renderer/errors";
import { metricMode } from "./renderer/panelKinds";
import { type PanelStatus, Renderer } from "./renderer/renderer";
import { RangeStore } from "./rangeStore";
import { handOverStep } from "./navigator/stepPresses";
import { sendValue } from "./streamlit";
import { TechniquePanels } from "./TechniquePanels";
import { installTestHook } from "./testHook";
import { mark } from "./timeline";

export interface ViewProps {
  readonly args: ViewArgs;
  readonly theme: Theme | undefined;
}

/** Kept free below the view in presenter mode (its padding and a margin), in CSS pixels. */
const PRESENTER_MARGIN = 16;

export function View({ args, theme }: ViewProps): React.JSX.Element {
  mark("args");
  const root = useRef<HTMLDivElement>(null);
  const controlsBox = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [controlsHeight, setControlsHeight] = useState(0);
  const windowHeight = useHostWindowHeight();
  const frameTop = useFrameTop(args.presenter);
  const [renderer, setRenderer] = useState<Renderer | null>(null);
  const [unavailable, setUnavailable] = useState<string | null>(null);
  const [phases, setPhases] = useState<Record<string, PanelPhase>>({});
  const [ranges] = useState(() => new RangeStore());
  const [files, setFiles] = useState<Record<string, FeatureFile>>({});
  const [imageError, setImageError] = useState<string | null>(null);
  const [contextLost, setContextLost] = useState(false);
  // The chart's panel (entry id) is the user's choice until the view changes (derived state, see
  // https://react.dev/learn/you-might-not-need-an-effect#adjusting-some-state-when-a-prop-changes).
  const [chart, setChart] = useState<{ viewId: string; panel: string | null }>({
    viewId: args.viewId,
    panel: null,
  });
  if (chart.viewId !== args.viewId) {
    setChart({ viewId: args.viewId, panel: null });
  }
  // On a projector the bar chart starts hidden (the panels need the room); either way a
  // button shows or hides it, and the choice holds for the life of the view.
  const [chartShown, setChartShown] = useState(!args.presenter);
  const names = useMemo(() => panelNames(args.layers), [args.layers]);
  // The metric: the step's, until the user picks another or the view changes.
  const [chosenMetric, setChosenMetric] = useState({ viewId: args.viewId, metric: args.metric });
  if (chosenMetric.viewId !== args.viewId) {
    setChosenMetric({ viewId: args.viewId, metric: args.metric });
  }
  const metric = chosenMetric.metric;
  const metricTitle = args.metrics.find((legend) => legend.name === metric)?.title ?? metric;

  const image: Size = useMemo(
    () => ({ width: args.image.width, height: args.image.height }),
    [args.image.width, args.image.height],
  );
  const finestStride = Math.min(...args.layers.map((layer) => layer.stride));
  // Created once; later arguments reach it through configure() and applyPreset().
  const [controller] = useState(() => new ViewController(image, finestStride, sendValue));
  // React shows what the controller holds (lock, pin, zoom...) from the first render on,
  // whether or not a renderer exists yet: a locked preset must reach the controls too.
  const subscribeReact = useCallback((listener: () => void) => controller.subscribe(listener), [controller]);
  const interaction = useSyncExternalStore(subscribeReact, () => controller.reactState);
  // Labels, panels and controls fit in the window (the bar chart may go below it); in presenter
  // mode together with what the page shows above the view (step row, title, text).
  const layout = useMemo(
    () =>
      layoutStage(Math.max(width, 1), args.layers.length, image, {
        presenter: args.presenter,
        fit: {
          windowHeight,
          belowHeight: controlsHeight,
          ...(args.presenter ? { above: frameTop + PRESENTER_MARGIN } : {}),
        },
      }),
    [width, args.layers.length, image, args.presenter, windowHeight, controlsHeight, frameTop],
  );
  const setPhase = useCallback((id: string, phase: PanelPhase) => {
    setPhases((all) => (all[id] === phase ? all : { ...all, [id]: phase }));
  }, []);

  // The width Streamlit gives us, and the height of the controls (they wrap when narrow; their
  // width is the frame's, not the panels', so fitting the panels does not feed back into it).
  useLayoutEffect(() => {
    const element = root.current;
    const controls = controlsBox.current;
    if (element === null || controls === null) {
      return;
    }
    const measure = (): void => {
      setWidth(Math.floor(element.getBoundingClientRect().width));
      setControlsHeight(Math.ceil(controls.getBoundingClientRect().height));
    };
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    observer.observe(controls);
    measure();
    return () => {
      observer.disconnect();
    };
  }, []);

  // One renderer for the life of the component (it survives reruns and steps), made when the
  // canvas mounts.
  const attachCanvas = useCallback(
    (element: HTMLCanvasElement | null) => {
      if (element === null) {
        return;
      }
      let created: Renderer;
      try {
        created = new Renderer(element, {
          onStatus: (id, status: PanelStatus) => {
            if (status.kind !== "ready") {
              ranges.clear(id); // numbers of an earlier visit are not those of the map to come
            }
            setPhase(id, status);
          },
          onRange: (id, range) => {
            ranges.set(id, range);
          },
          onContextLost: setContextLost,
        });
      } catch (error) {
        setUnavailable(
          error instanceof RendererError ? error.message : `The view cannot start: ${String(error)}`,
        );
        return;
      }
      mark("renderer");
      setRenderer(created);
      return () => {
        created.dispose();
        setRenderer(null);
      };
    },
    [setPhase, ranges],
  );

  // A new view applies Python's preset; a rerun of the same view keeps the user's state.
  const viewId = useRef<string | null>(null);
  useEffect(() => {
    controller.configure(image, finestStride);
    if (viewId.current !== args.viewId) {
      viewId.current = args.viewId;
      controller.applyPreset(args.preset);
    }
  }, [controller, args.viewId, args.preset, image, finestStride]);

  // Pointer, pin, lock, zoom... reach the renderer straight from the controller.
  useEffect(() => {
    if (renderer === null) {
      return;
    }
    const apply = (state: InteractionState, previous: InteractionState | null): void => {
      if (state.reference !== previous?.reference) {
        renderer.setReference(state.reference);
      }
      renderer.setPinned(state.pinned);
      renderer.setView(state.view);
      renderer.setOpacityShift(state.opacityShift);
      renderer.setColourImage(state.colourImage);
      for (const layer of args.layers) {
        const channel = state.channel?.panel === layer.entryId ? state.channel.index : null;
        renderer.setMode(layer.entryId, channel === null ? metricMode(metric) : { kind: "channel", channel });
      }
    };
    apply(controller.state, null);
    return controller.subscribe(apply);
  }, [renderer, controller, args.layers, metric]);

  // The panels and their feature files: fetched once per session, uploaded once per renderer.
  const shownBefore = useRef<ReadonlySet<string>>(new Set());
  useEffect(() => {
    if (renderer === null) {
      return;
    }
    renderer.setPanels(
      args.layers.map((layer) => ({
        id: layer.entryId,
        layer: layer.layer,
        stride: layer.stride,
        receptiveField: layer.receptiveField,
      })),
    );
    renderer.setReference(controller.state.reference);
    let current = true;
    for (const source of args.layers) {
      featureCache
        .load(source, (progress) => {
          if (current) {
            setPhase(source.entryId, { kind: "downloading", fraction: progress.received / progress.total });
          }
        })
        .then(
          (file) => {
            if (current) {
              setFiles((all) => (all[source.entryId] === file ? all : { ...all, [source.entryId]: file }));
              void renderer.setFile(source.entryId, file);
            }
          },
          (error: unknown) => {
            if (current) {
              setPhase(source.entryId, {
                kind: "error",
                message: error instanceof Error ? error.message : String(error),
              });
            }
          },
        );
    }
    const shown = new Set(args.layers.map((layer) => layer.entryId));
    featureCache.trim(shown);
    // A layer that comes back later starts afresh: its old state and numbers are not its map's.
    for (const id of shownBefore.current) {
      if (!shown.has(id)) {
        ranges.clear(id);
        setPhase(id, { kind: "waiting" });
      }
    }
    shownBefore.current = shown;
    return () => {
      current = false;
    };
  }, [renderer, controller, args.layers, setPhase, ranges]);

  useEffect(() => {
    if (renderer === null) {
      return;
    }
    renderer.setImageSize(image);
    let current = true;
    loadImage(args.image.url).then(
      (bitmap) => {
        if (current) {
          mark("image");
          renderer.setImage(bitmap, image);
          setImageError(null);
        }
      },
      (error: unknown) => {
        if (current) {
          setImageError(error instanceof Error ? error.message : String(error));
        }
      },
    );
    return () => {
      current = false;
    };
  }, [renderer, args.image.url, image]);

  useEffect(() => {
    renderer?.setColourTable(args.colormap.colours);
  }, [renderer, args.colormap]);

  useEffect(() => {
    renderer?.setMarkerScale(args.presenter ? 1.6 : 1);
  }, [renderer, args.presenter]);

  useEffect(() => {
    renderer?.setBackground(hexToRgb(theme?.secondaryBackgroundColor) ?? [0.94, 0.95, 0.96]);
  }, [renderer, theme?.secondaryBackgroundColor]);

  useEffect(() => {
    renderer?.setLayout(
      { width: layout.width, height: layout.height },
      window.devicePixelRatio || 1,
      layout.panels,
    );
  }, [renderer, layout]);

  useEffect(() => {
    if (renderer === null) {
      return;
    }
    return installTestHook({ renderer, controller, layers: args.layers, layout, image, root: root.current });
  }, [renderer, controller, args.layers, layout, image]);

  const panelSize = layout.panels[0] ?? { width: 1, height: 1 };
  const toPixel = (local: Point, panel: Size): Point | null =>
    pixelAt(screenToImage(local, panel, image, controller.state.view), image);

  const focusView = useCallback(() => {
    root.current?.focus({ preventScroll: true });
  }, []);
  const onKeyDown = (event: KeyboardEvent): void => {
    // Form controls keep their own keys (arrows move the opacity slider, not the reference).
    const target = event.target as HTMLElement;
    if (event.key !== "Escape" && ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName)) {
      return;
    }
    const arrows: Record<string, [number, number]> = {
      ArrowLeft: [-1, 0],
      ArrowRight: [1, 0],
      ArrowUp: [0, -1],
      ArrowDown: [0, 1],
    };
    const arrow = arrows[event.key];
    if (arrow !== undefined) {
      controller.moveByCells(arrow[0], arrow[1]);
    } else if (event.key === "l" || event.key === "L") {
      controller.toggleLock();
    } else if (event.key === "Escape") {
      if (!controller.release()) {
        return;
      }
    } else if (event.key === "PageUp" || event.key === "PageDown") {
      const step = event.key === "PageUp" ? -1 : 1;
      // The page's navigator counts every press; without one (another host page), an event.
      if (!event.repeat && !handOverStep(step)) {
        controller.step(step);
      }
    } else if (event.key === "+" || event.key === "=") {
      controller.zoomStep(1, panelSize);
    } else if (event.key === "-") {
      controller.zoomStep(-1, panelSize);
    } else if (event.key === "0") {
      controller.resetView();
    } else {
      return;
    }
    event.preventDefault();
  };
  const onKeyUp = (event: KeyboardEvent): void => {
    if (event.key.startsWith("Arrow")) {
      controller.commitPin();
    }
  };
  // Keys are heard by the frame's whole document, not only by the focused view: a button that
  // disables itself when pressed (Fit, Release) drops the focus to the body, and the keyboard
  // must not go dead then. The bar chart keeps its own keys (it stops them on the way up).
  const keys = useRef({ onKeyDown, onKeyUp });
  useLayoutEffect(() => {
    keys.current = { onKeyDown, onKeyUp };
  });
  useEffect(() => {
    const down = (event: KeyboardEvent): void => {
      keys.current.onKeyDown(event);
    };
    const up = (event: KeyboardEvent): void => {
      keys.current.onKeyUp(event);
    };
    window.addEventListener("keydown", down);
    window.addEventListener("keyup", up);
    return () => {
      window.removeEventListener("keydown", down);
      window.removeEventListener("keyup", up);
    };
  }, []);

  const chartSource =
    args.layers.find((layer) => layer.entryId === chart.panel) ??
    args.layers.find((layer) => layer.layer === args.chartLayer) ??
    args.layers[0];
  const message = imageError ?? (contextLost ? "The graphics context was lost; restoring the view…" : null);

  return (
    <div
      ref={root}
      className={`view${args.presenter ? " presenter" : ""}`}
      tabIndex={0}
      role="application"
      aria-label="Similarity view: point at a panel to compare every location with the one under the pointer"
      aria-keyshortcuts="ArrowLeft ArrowRight ArrowUp ArrowDown L Escape PageUp PageDown"
      onPointerDown={focusView}
    >
      {message !== null && (
        <div className="view-message" role="alert">
          {message}
        </div>
      )}
      <div className="stage" style={{ width: layout.width, height: layout.height }}>
        <canvas
          ref={attachCanvas}
          className="stage-canvas"
          style={{
            width: layout.width,
            height: layout.height,
            visibility: unavailable === null ? "visible" : "hidden",
          }}
        />
        {args.layers.map((source, index) => {
          const box = layout.panels[index];
          if (box === undefined) {
            return null;
          }
          const channel = interaction.channel?.panel === source.entryId ? interaction.channel.index : null;
          return (
            <Panel
              key={source.entryId}
              source={source}
              box={box}
              labelHeight={layout.labelHeight}
              phase={phases[source.entryId] ?? { kind: "downloading", fraction: 0 }}
              unavailable={unavailable}
              ranges={ranges}
              channel={channel}
              metric={metric}
              metricTitle={metricTitle}
              signed={files[source.entryId]?.header.signed ?? false}
              colours={args.colormap.colours}
              model={args.model}
              presenter={args.presenter}
              onPoint={(local, panel) => {
                const pixel = toPixel(local, panel);
                if (pixel !== null) {
                  controller.hover(pixel);
                }
              }}
              onPin={(local, panel) => {
                const pixel = toPixel(local, panel);
                if (pixel !== null) {
                  controller.hover(pixel); // a tap on a touch screen points and pins at once
                  controller.pin(pixel);
                }
              }}
              onDrag={(dx, dy, panel) => {
                controller.setView(panBy(controller.state.view, dx, dy, panel, image), panel);
              }}
              onZoom={(factor, local, panel) => {
                controller.zoom(factor, panel, local);
              }}
            />
          );
        })}
      </div>
      <div ref={controlsBox}>
        <Controls
          controller={controller}
          state={interaction}
          charts={args.layers.map((layer) => ({
            id: layer.entryId,
            name: names.get(layer.entryId) ?? layer.layer,
          }))}
          chart={chartSource?.entryId ?? ""}
          onChart={(panel) => {
            setChart({ viewId: args.viewId, panel });
          }}
          caption={args.image.caption}
          panel={panelSize}
          refocus={focusView}
          chartShown={chartShown}
          onChartShown={setChartShown}
        />
        <MetricControl
          metrics={args.metrics}
          metric={metric}
          onMetric={(next) => {
            setChosenMetric({ viewId: args.viewId, metric: next });
          }}
        />
      </div>
      {chartShown && chartSource !== undefined && (
        <BarChart
          controller={controller}
          file={files[chartSource.entryId] ?? null}
          panel={chartSource.entryId}
          label={names.get(chartSource.entryId) ?? chartSource.layer}
          layer={chartSource.layer}
          stride={chartSource.stride}
          width={Math.max(1, layout.width)}
          height={args.presenter ? 180 : 120}
          textSize={args.presenter ? 18 : 11}
          textColour={theme?.textColor ?? "#31333f"}
        />
      )}
      <TechniquePanels
        args={args}
        files={files}
        controller={controller}
        state={interaction}
        width={Math.max(1, layout.width)}
        metric={metric}
        metricTitle={metricTitle}
      />
    </div>
  );
}
