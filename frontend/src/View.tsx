/**
 * The synchronized multi-layer view: React composes the panels, controls and chart around
 * ONE canvas the renderer draws every panel into. React state holds what changes rarely
 * (loading, toggles, zoom); the reference pixel and the pan flow from the pointer to the
 * renderer and the chart through the ViewController without a React render, and each
 * panel's min/max (new on nearly every reference-cell change) goes from the renderer through
 * a RangeStore to that panel's colour scale alone. The hooks in view/ hold one concern each:
 * the renderer and its canvas, the feature files, the analysis image, what reaches the
 * renderer from the controller, the keyboard.
 */
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";

import { BarChart } from "./BarChart";
import { Controls } from "./Controls";
import type { ViewArgs } from "./contract";
import { type Point, type Size, panBy, pixelAt, screenToImage } from "./geometry";
import { ViewController } from "./interaction";
import { useFrameTop, useHostWindowHeight } from "./hostWindow";
import { layoutStage } from "./layout";
import { MetricControl } from "./MetricControl";
import { Panel, type PanelPhase } from "./Panel";
import { panelNames } from "./panelNames";
import { RangeStore } from "./rangeStore";
import { sendValue } from "./streamlit";
import type { Theme } from "./streamlitMessages";
import { TechniquePanels } from "./TechniquePanels";
import { installTestHook } from "./testHook";
import { mark } from "./timeline";
import { useControllerOnRenderer, useStageLook } from "./view/rendererSync";
import { useAnalysisImage } from "./view/useAnalysisImage";
import { useFeatureFiles } from "./view/useFeatureFiles";
import { useFrameMeasure } from "./view/useFrameMeasure";
import { useStageRenderer } from "./view/useStageRenderer";
import { useViewKeys } from "./view/useViewKeys";

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
  const { width, controlsHeight } = useFrameMeasure(root, controlsBox);
  const windowHeight = useHostWindowHeight();
  const frameTop = useFrameTop(args.presenter);
  const [phases, setPhases] = useState<Record<string, PanelPhase>>({});
  const [ranges] = useState(() => new RangeStore());
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

  // One renderer for the life of the component (it survives reruns and steps), made when the
  // canvas mounts.
  const { renderer, unavailable, contextLost, attachCanvas } = useStageRenderer(ranges, setPhase);

  // A new view applies Python's preset; a rerun of the same view keeps the user's state.
  const viewId = useRef<string | null>(null);
  useEffect(() => {
    controller.configure(image, finestStride);
    if (viewId.current !== args.viewId) {
      viewId.current = args.viewId;
      controller.applyPreset(args.preset);
    }
  }, [controller, args.viewId, args.preset, image, finestStride]);

  useControllerOnRenderer(renderer, controller, args.layers, metric);

  // The panels and their feature files: fetched once per session, uploaded once per renderer.
  const files = useFeatureFiles(renderer, controller, args.layers, setPhase, ranges);

  const imageError = useAnalysisImage(renderer, args.image.url, image);

  useStageLook(renderer, {
    colours: args.colormap.colours,
    presenter: args.presenter,
    background: theme?.secondaryBackgroundColor,
    layout,
  });

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
  useViewKeys(controller, panelSize);

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
